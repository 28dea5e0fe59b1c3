import type { ChannelAdapter, ChannelDelivery, ChannelIngress, ChannelRuntime } from '@switchboard/channel';
import { Api } from 'grammy';
import type { Logger } from 'pino';
import { type ReplyTarget, TELEGRAM_REPLY_TARGET } from './reply-target.js';
import { TELEGRAM_RENDERER, type TelegramAnswer } from './telegram-answer.js';
import { TelegramDeliverer } from './telegram-deliverer.js';
import { TelegramIngress, type TelegramIngressOptions } from './telegram-ingress.js';
import type { TelegramSettings } from './telegram-settings.js';

/**
 * The Telegram channel as the channel contract declares it: reply targets without secrets, HTML
 * answers, delivery through the Bot API and a webhook or long-polling ingress.
 */
export class TelegramChannel implements ChannelAdapter<ReplyTarget, TelegramAnswer> {
  readonly name = 'telegram';
  readonly replyTarget = TELEGRAM_REPLY_TARGET;
  readonly render = TELEGRAM_RENDERER;
  private readonly deliverer: TelegramDeliverer;

  constructor(
    private readonly settings: TelegramSettings,
    log: Logger,
    private readonly options: TelegramIngressOptions = {},
  ) {
    // No retry transformer: a 429 goes back to the durable queue, which waits its retry_after.
    const api = new Api(settings.token, { apiRoot: settings.apiRoot });
    this.deliverer = new TelegramDeliverer({ api, log });
  }

  /** Posts a rendered answer; see {@link TelegramDeliverer}. */
  deliver(message: TelegramAnswer, delivery: ChannelDelivery<ReplyTarget>): Promise<void> {
    return this.deliverer.deliver(message, delivery);
  }

  /** The grammY bot and its HTTP port. */
  ingress(runtime: ChannelRuntime<ReplyTarget>): ChannelIngress {
    return new TelegramIngress(this.settings, runtime, this.options);
  }
}
