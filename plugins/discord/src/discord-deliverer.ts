import { type ChannelDelivery, flagsOf } from '@switchboard/channel';
import {
  type APIChannel,
  MessageFlags,
  type REST,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord.js';
import type { Logger } from 'pino';
import type { DiscordAnswer } from './discord-answer.js';
import { modLogMessage } from './mod-log-message.js';
import type { InteractionTarget, MentionTarget, ReplyTarget, WatchTarget } from './reply-target.js';
import { DiscordCode, deliveryFailure, hasCode, isExpiredInteraction } from './rest-failure.js';

type Delivery<T extends ReplyTarget = ReplyTarget> = ChannelDelivery<T>;

/** How long Discord accepts an interaction token for follow-ups and edits. */
export const INTERACTION_TOKEN_MS = 15 * 60_000;

/** Token age past which the deliverer no longer tries it: a request in flight must not straddle the expiry. */
const TOKEN_MARGIN_MS = 30_000;

const WHAT: Record<string, string> = {
  interaction: 'answer an interaction',
  mention: 'reply to a mention',
  watch: 'report a watched message',
};

/** Options of {@link DiscordDeliverer}. */
export interface DiscordDelivererOptions {
  /** A REST client that throws on rate limits instead of waiting (`rejectOnRateLimit`). */
  readonly rest: REST;
  /** The reaction put on flagged messages. */
  readonly flagEmoji: string;
  readonly log: Logger;
  /** The clock; tests may move it. */
  readonly now?: () => number;
}

/**
 * Posts finished requests to Discord: edits the deferred interaction reply (or, once its token
 * has expired, posts in the channel or, for private answers, in a direct message), replies to
 * mentions, and reacts to flagged watched messages with a post in the guild's mod-log.
 * Failures are mapped for the delivery queue by {@link deliveryFailure}.
 */
export class DiscordDeliverer {
  private readonly rest: REST;
  private readonly flagEmoji: string;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(options: DiscordDelivererOptions) {
    this.rest = options.rest;
    this.flagEmoji = options.flagEmoji;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  /** Delivers one rendered result or error; throws what the delivery queue understands. */
  async deliver(message: DiscordAnswer, delivery: Delivery): Promise<void> {
    const { target } = delivery;
    try {
      if (target.kind === 'interaction') await this.interaction(target, message, delivery);
      else if (target.kind === 'mention') await this.mention(target, message, delivery);
      else await this.watch(target, { ...delivery, target });
    } catch (err) {
      throw deliveryFailure(err, WHAT[target.kind]!);
    }
  }

  private async interaction(
    target: InteractionTarget,
    message: DiscordAnswer,
    delivery: Delivery,
  ): Promise<void> {
    const age = this.now() - target.createdAt;
    if (age < INTERACTION_TOKEN_MS - TOKEN_MARGIN_MS) {
      try {
        await this.answerInteraction(target, message, delivery);
        return;
      } catch (err) {
        if (!isExpiredInteraction(err)) throw err;
        this.log.info({ request: delivery.request.id }, 'interaction token refused; answering outside it');
      }
    }
    await this.answerOutsideInteraction(target, message, delivery);
  }

  private async answerInteraction(
    target: InteractionTarget,
    message: DiscordAnswer,
    delivery: Delivery,
  ): Promise<void> {
    const original = Routes.webhookMessage(target.applicationId, target.interactionToken, '@original');
    const { outcome } = delivery;
    if (outcome.ok) {
      await this.rest.patch(original, {
        body: {
          content: '',
          embeds: message.embeds,
          allowed_mentions: { parse: [] },
        },
        auth: false,
      });
    } else if (target.ephemeral) {
      await this.rest.patch(original, {
        body: { content: message.content, embeds: [] },
        auth: false,
      });
    } else {
      // Errors are for the asker only: the public placeholder goes, a private follow-up says why.
      try {
        await this.rest.delete(original, { auth: false });
      } catch (err) {
        // Already gone: an earlier attempt deleted it and then failed on the follow-up.
        if (!hasCode(err, DiscordCode.UnknownMessage)) throw err;
      }
      await this.rest.post(Routes.webhook(target.applicationId, target.interactionToken), {
        body: { content: message.content, flags: MessageFlags.Ephemeral },
        auth: false,
      });
    }
  }

  /** Past the token's life: public results go to the channel, private ones and errors to a DM. */
  private async answerOutsideInteraction(
    target: InteractionTarget,
    message: DiscordAnswer,
    delivery: Delivery,
  ): Promise<void> {
    const { outcome } = delivery;
    const { embeds } = message;
    if (target.ephemeral || !outcome.ok) {
      const dm = (await this.rest.post(Routes.userChannels(), {
        body: { recipient_id: target.userId },
      })) as APIChannel;
      const intro = `Your ${target.messageId ? '“Classify message”' : '/classify'} in <#${target.channelId}> (Discord’s 15-minute reply window had passed):`;
      await this.rest.post(Routes.channelMessages(dm.id), {
        body: {
          content: outcome.ok ? intro : `${intro}\n${message.content}`,
          embeds,
          allowed_mentions: { parse: [] },
        } satisfies RESTPostAPIChannelMessageJSONBody,
      });
      return;
    }
    await this.rest.post(Routes.channelMessages(target.channelId), {
      body: {
        content: `<@${target.userId}>, here is your /classify result (Discord’s 15-minute reply window had passed):`,
        embeds,
        allowed_mentions: { users: [target.userId] },
        ...(target.messageId
          ? { message_reference: { message_id: target.messageId, fail_if_not_exists: false } }
          : {}),
      } satisfies RESTPostAPIChannelMessageJSONBody,
    });
  }

  private async mention(target: MentionTarget, message: DiscordAnswer, delivery: Delivery): Promise<void> {
    await this.rest.post(Routes.channelMessages(target.channelId), {
      body: {
        ...(delivery.outcome.ok ? { embeds: message.embeds } : { content: message.content }),
        message_reference: {
          message_id: target.messageId,
          channel_id: target.channelId,
          ...(target.guildId ? { guild_id: target.guildId } : {}),
          fail_if_not_exists: false,
        },
        allowed_mentions: { parse: [], replied_user: true },
      } satisfies RESTPostAPIChannelMessageJSONBody,
    });
  }

  private async watch(target: WatchTarget, delivery: Delivery<WatchTarget>): Promise<void> {
    const { outcome, request } = delivery;
    const log = this.log.child({ request: request.id, model: request.model, message: target.messageId });
    if (!outcome.ok) {
      log.warn(
        { code: outcome.error.code, error: outcome.error.message },
        'watched message could not be checked',
      );
      return;
    }
    const flags = flagsOf(outcome.result.results[0]!, target.alerts);
    if (flags.length === 0) return;

    const notes: string[] = [];
    try {
      await this.rest.put(
        Routes.channelMessageOwnReaction(
          target.channelId,
          target.messageId,
          encodeURIComponent(this.flagEmoji),
        ),
      );
    } catch (err) {
      // The report matters more than the reaction: say what stopped it and post anyway.
      if (hasCode(err, DiscordCode.UnknownMessage))
        notes.push('The message was deleted before it was flagged.');
      else if (hasCode(err, DiscordCode.MissingPermissions) || hasCode(err, DiscordCode.MissingAccess))
        notes.push(
          'I could not react to it: I lack the Add Reactions or Read Message History permission there.',
        );
      else throw err;
    }
    await this.rest.post(Routes.channelMessages(target.modLog), {
      body: modLogMessage(target, request, outcome.result, flags, notes),
    });
    log.info({ flags: flags.map((f) => f.label) }, 'flagged watched message');
  }
}
