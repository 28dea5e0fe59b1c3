import type { ReplyTargetSpec } from '@switchboard/channel';
import { z } from 'zod';

/** A slash command or context-menu interaction, answered by editing its deferred reply. */
export const InteractionTargetSchema = z.object({
  kind: z.literal('interaction'),
  applicationId: z.string(),
  /** Lets the app edit its reply for 15 minutes without the bot token; a secret, never logged. */
  interactionToken: z.string(),
  channelId: z.string(),
  guildId: z.string().optional(),
  /** Who asked: mentioned in a channel fallback, messaged directly for private answers. */
  userId: z.string(),
  /** The answer is only for the person who asked. */
  ephemeral: z.boolean(),
  /** When the interaction was created (ms since epoch); its token expires 15 minutes later. */
  createdAt: z.number(),
  /** The message the context menu was used on. */
  messageId: z.string().optional(),
});

/** A message that mentioned the bot, answered with a reply to it. */
export const MentionTargetSchema = z.object({
  kind: z.literal('mention'),
  channelId: z.string(),
  guildId: z.string().optional(),
  messageId: z.string(),
  userId: z.string(),
});

/** A message in a watched channel, checked by one moderation model. */
export const WatchTargetSchema = z.object({
  kind: z.literal('watch'),
  guildId: z.string(),
  channelId: z.string(),
  messageId: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  /** The guild's mod-log channel. */
  modLog: z.string(),
  /** Alert label → threshold, as configured when the message arrived. */
  alerts: z.record(z.string(), z.number()),
});

/** Where and how the Discord plugin answers a request: the `replyTo` of its jobs. */
export const ReplyTargetSchema = z.discriminatedUnion('kind', [
  InteractionTargetSchema,
  MentionTargetSchema,
  WatchTargetSchema,
]);

/** A parsed reply target. */
export type ReplyTarget = z.infer<typeof ReplyTargetSchema>;
/** An interaction reply target. */
export type InteractionTarget = z.infer<typeof InteractionTargetSchema>;
/** A mention reply target. */
export type MentionTarget = z.infer<typeof MentionTargetSchema>;
/** A watched-message reply target. */
export type WatchTarget = z.infer<typeof WatchTargetSchema>;

/** The Discord reply target as the channel contract declares it: the interaction token is secret. */
export const DISCORD_REPLY_TARGET: ReplyTargetSpec<ReplyTarget> = {
  schema: ReplyTargetSchema,
  secretFields: ['interactionToken'],
};
