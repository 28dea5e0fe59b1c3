import type { ReplyTargetSpec } from '@switchboard/channel';
import { z } from 'zod';

/**
 * Where a Slack answer goes, carried inside the job as its `replyTo` (so any copy of the plugin can
 * deliver it, even after a restart). Field names follow Slack's payloads.
 */
export const SlackReplyTargetSchema = z.object({
  /** What the person used: the slash command, the message shortcut or a mention. */
  kind: z.enum(['command', 'shortcut', 'mention']),
  team_id: z.string().optional(),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  /** The interaction's reply URL (commands and shortcuts); valid 30 minutes, 5 posts: a secret. */
  response_url: z.url().optional(),
  /** The thread to answer in (shortcuts and mentions). */
  thread_ts: z.string().optional(),
  /** Whether the answer is for everyone in the channel or for the person only. */
  visibility: z.enum(['ephemeral', 'in_channel']),
});

/** A validated Slack reply target. */
export type SlackReplyTarget = z.infer<typeof SlackReplyTargetSchema>;

/** The Slack reply target as the channel contract declares it: `response_url` is secret. */
export const SLACK_REPLY_TARGET: ReplyTargetSpec<SlackReplyTarget> = {
  schema: SlackReplyTargetSchema,
  secretFields: ['response_url'],
};
