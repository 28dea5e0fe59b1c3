import type { types } from '@slack/bolt';

/** A message the plugin posts: `text` is the notification and screen-reader fallback of `blocks`. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: types.KnownBlock[];
}

/** A message of one `mrkdwn` section. */
export function textMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
