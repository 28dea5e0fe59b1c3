import { MAX_TEXT_CHARS } from '@switchboard/core';
import { type SlackMessage, textMessage } from './slack-message.js';

/** The ephemeral acknowledgement of a request that was queued. */
export function queuedNotice(model: string): SlackMessage {
  return textMessage(`:hourglass_flowing_sand: Classifying with \`${model}\`…`);
}

/** Redis (the job queue) cannot be reached. */
export function unavailableNotice(): SlackMessage {
  return textMessage(
    ':construction: Classification is temporarily unavailable, try again in a minute. (The job queue cannot be reached.)',
  );
}

/** The person asked too often. */
export function rateLimitedNotice(limitPerMinute: number, retryInSeconds: number): SlackMessage {
  return textMessage(
    `:turtle: Easy there: you can classify ${limitPerMinute} texts a minute. Try again in ${retryInSeconds} s.`,
  );
}

/** The text breaks the core's length limit. */
export function tooLongNotice(length: number): SlackMessage {
  return textMessage(
    `:scissors: That text is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_TEXT_CHARS.toLocaleString('en-US')}. Please classify a shorter part of it.`,
  );
}

/** The shortcut was used on a message without text (only files or attachments). */
export function noTextNotice(): SlackMessage {
  return textMessage(':grey_question: That message has no text to classify.');
}

/** Something unexpected went wrong before the request was queued. */
export function failedNotice(): SlackMessage {
  return textMessage(
    ':warning: Something went wrong while queueing your request; please try again in a moment.',
  );
}
