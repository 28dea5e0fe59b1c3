import type { DeliveryError } from '@switchboard/core';

/** Said when Redis (the job queue) cannot be reached. */
export const UNAVAILABLE_MESSAGE =
  '⚠️ Switchboard is temporarily unavailable: its job queue cannot be reached. Please try again in a minute.';

/** Said when the context menu is used on a message without text. */
export const NO_TEXT_MESSAGE =
  '⚠️ That message has no text I can read (only attachments or embeds, or the bot lacks the Message Content intent).';

/** A failed classification, as told to the person who asked. */
export function errorMessage(error: DeliveryError): string {
  return `⚠️ ${error.message}`;
}

/** How to use a mention, when it carried no text. */
export function mentionUsage(botId: string, models: readonly string[], defaultModel: string): string {
  return [
    `Mention me with a text to classify: <@${botId}> [model] text`,
    `Models: ${models.length > 0 ? models.join(', ') : 'none installed'} (default ${defaultModel}).`,
  ].join('\n');
}

/** A bad input (empty or too long text...) in words for the person who typed it. */
export function inputErrorMessage(field: string | undefined, message: string): string {
  if (field?.startsWith('texts')) return `⚠️ The text ${message.replace(/^texts\[\d+\] /, '')}.`;
  return `⚠️ ${message}.`;
}
