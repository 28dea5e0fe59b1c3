import type { Refusal } from '@switchboard/channel';
import { type SlackMessage, textMessage } from './slack-message.js';

/** The ephemeral acknowledgement of a request that was queued. */
export function queuedNotice(model: string): SlackMessage {
  return textMessage(`:hourglass_flowing_sand: Classifying with \`${model}\`…`);
}

const REFUSAL_EMOJI: Readonly<Record<Refusal['reason'], string>> = {
  invalid_text: ':scissors:',
  rate_limited: ':turtle:',
  unavailable: ':construction:',
  failed: ':warning:',
};

/** A request the runtime did not queue, in the runtime's words (the same in every channel). */
export function refusalNotice(refusal: Refusal): SlackMessage {
  return textMessage(`${REFUSAL_EMOJI[refusal.reason]} ${refusal.message}`);
}

/** The shortcut was used on a message without text (only files or attachments). */
export function noTextNotice(): SlackMessage {
  return textMessage(':grey_question: That message has no text to classify.');
}
