import type { ReplyTargetSpec } from '@switchboard/channel';
import { z } from 'zod';

/** A `/classify` command, answered with a reply to the message that asked. */
export const CommandTargetSchema = z.object({
  kind: z.literal('command'),
  chatId: z.number(),
  /** The command message: the answer replies to it. */
  messageId: z.number(),
  /** The forum topic the command was sent in, so the answer lands in the same topic. */
  threadId: z.number().optional(),
});

/** A message in a watched chat, checked by one moderation model. */
export const WatchTargetSchema = z.object({
  kind: z.literal('watch'),
  chatId: z.number(),
  messageId: z.number(),
  threadId: z.number().optional(),
  /** The chat's public @username, for a message link anyone can open. */
  chatUsername: z.string().optional(),
  /** The chat's title, for the admin note. */
  chatTitle: z.string().optional(),
  authorName: z.string(),
  /** What to do with a flagged message. */
  action: z.enum(['reply', 'delete']),
  /** The admin chat told about flagged messages. */
  notify: z.number().optional(),
  /** Alert label → threshold, as configured when the message arrived. */
  alerts: z.record(z.string(), z.number()),
});

/** Where and how the Telegram plugin answers a request: the `replyTo` of its jobs. */
export const ReplyTargetSchema = z.discriminatedUnion('kind', [CommandTargetSchema, WatchTargetSchema]);

/** A parsed reply target. */
export type ReplyTarget = z.infer<typeof ReplyTargetSchema>;
/** A command reply target. */
export type CommandTarget = z.infer<typeof CommandTargetSchema>;
/** A watched-message reply target. */
export type WatchTarget = z.infer<typeof WatchTargetSchema>;

/**
 * The Telegram reply target as the channel contract declares it. It holds no secret: answers are
 * posted with the bot token, which stays in the service's environment and never enters a job.
 */
export const TELEGRAM_REPLY_TARGET: ReplyTargetSpec<ReplyTarget> = {
  schema: ReplyTargetSchema,
  secretFields: [],
};
