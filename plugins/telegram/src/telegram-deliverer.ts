import { type ChannelDelivery, excerpt, type Flag, flagsOf } from '@switchboard/channel';
import type { Api } from 'grammy';
import type { Logger } from 'pino';
import { deliveryFailure } from './api-failure.js';
import { escapeHtml } from './html-text.js';
import { messageLink } from './message-link.js';
import type { CommandTarget, ReplyTarget, WatchTarget } from './reply-target.js';
import type { TelegramAnswer } from './telegram-answer.js';

type Delivery<T extends ReplyTarget = ReplyTarget> = ChannelDelivery<T>;

/** Options of {@link TelegramDeliverer}. */
export interface TelegramDelivererOptions {
  /** grammY's Bot API client (no retry transformer: waits belong to the delivery queue). */
  readonly api: Api;
  readonly log: Logger;
}

/**
 * Posts finished requests to Telegram: a reply to the command that asked, and for watched
 * messages over a threshold a flagging reply or a deletion, plus a note in the admin chat.
 * A benign watched message makes no Bot API call at all. Failures are mapped for the delivery
 * queue by {@link deliveryFailure}.
 */
export class TelegramDeliverer {
  private readonly api: Api;
  private readonly log: Logger;

  constructor(options: TelegramDelivererOptions) {
    this.api = options.api;
    this.log = options.log;
  }

  /** Delivers one rendered result or error; throws what the delivery queue understands. */
  async deliver(message: TelegramAnswer, delivery: Delivery): Promise<void> {
    const { target } = delivery;
    if (target.kind === 'command') {
      await this.call('reply to a command', () => this.reply(target, message.html));
    } else {
      await this.watch({ ...delivery, target });
    }
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw deliveryFailure(err, what);
    }
  }

  private reply(target: CommandTarget | WatchTarget, html: string) {
    return this.api.sendMessage(target.chatId, html, {
      parse_mode: 'HTML',
      // A deleted command still gets its answer, just not as a reply.
      reply_parameters: { message_id: target.messageId, allow_sending_without_reply: true },
      link_preview_options: { is_disabled: true },
      ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
    });
  }

  private async watch(delivery: Delivery<WatchTarget>): Promise<void> {
    const { outcome, request, target } = delivery;
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
    const top = flags[0]!;
    const verdict = `${escapeHtml(top.label)} ${Math.round(top.score * 100)}% (${escapeHtml(outcome.result.model)})`;
    let done: string;
    if (target.action === 'delete' && (await this.tryDelete(target, log))) {
      done = 'deleted';
    } else {
      const why =
        target.action === 'delete'
          ? ' (I could not delete it: make me an admin who may delete messages)'
          : '';
      await this.call('flag a watched message', () => this.reply(target, `⚠️ Flagged: ${verdict}${why}`));
      done = target.action === 'delete' ? 'flagged; deletion refused' : 'flagged';
    }
    if (target.notify !== undefined) {
      const notify = target.notify;
      await this.call('notify the admin chat', () =>
        this.api.sendMessage(
          notify,
          adminNote(target, request.texts[0] ?? '', flags, outcome.result.model, done),
          {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          },
        ),
      );
    }
    log.info({ flags: flags.map((f) => f.label), action: done }, 'flagged watched message');
  }

  /** Deletes a flagged message; false when Telegram refuses (the bot is no admin there). */
  private async tryDelete(target: WatchTarget, log: Logger): Promise<boolean> {
    try {
      await this.api.deleteMessage(target.chatId, target.messageId);
      return true;
    } catch (err) {
      const failure = deliveryFailure(err, 'delete a watched message');
      // Rate limits and outages are retried; a refusal falls back to a flagging reply.
      if (failure.name !== 'PermanentDeliveryError') throw failure;
      log.warn({ err: failure.message }, 'could not delete a flagged message');
      return false;
    }
  }
}

/** The admin chat's note: what was flagged, how strongly, where, the text (it may be deleted) and a link. */
function adminNote(
  target: WatchTarget,
  text: string,
  flags: readonly Flag[],
  model: string,
  done: string,
): string {
  const link = messageLink(target.chatId, target.messageId, target.chatUsername);
  const where = escapeHtml(target.chatTitle ?? String(target.chatId));
  return [
    `⚠️ <b>Flagged</b> in ${where}: ${done}`,
    ...flags.map(
      (f) =>
        `${escapeHtml(f.label)}: ${Math.round(f.score * 100)}% (threshold ${Math.round(f.threshold * 100)}%, ${escapeHtml(model)})`,
    ),
    `From: ${escapeHtml(target.authorName)}`,
    `Text: ${escapeHtml(excerpt(text, 300))}`,
    link ? `Message: ${link}` : `Message ${target.messageId} (this chat has no message links)`,
  ].join('\n');
}
