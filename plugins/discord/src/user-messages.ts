import type { Refusal } from '@switchboard/channel';
import type { DeliveryError } from '@switchboard/core';

/** Said when the context menu is used on a message without text. */
export const NO_TEXT_MESSAGE =
  '⚠️ That message has no text I can read (only attachments or embeds, or the bot lacks the Message Content intent).';

/** A failed classification, as told to the person who asked. */
export function errorMessage(error: DeliveryError): string {
  return `⚠️ ${error.message}`;
}

/** A request the runtime did not queue, in the runtime's words (the same in every channel). */
export function refusalMessage(refusal: Refusal): string {
  return `⚠️ ${refusal.message}`;
}

/** How to use a mention, when it carried no text. */
export function mentionUsage(botId: string, models: readonly string[], defaultModel: string): string {
  return [
    `Mention me with a text to classify: <@${botId}> [model] text`,
    `Models: ${models.length > 0 ? models.join(', ') : 'none installed'} (default ${defaultModel}).`,
  ].join('\n');
}
