import { ChannelRuntime } from '@switchboard/channel';
import type { Logger } from 'pino';
import type { ReplyTarget } from './reply-target.js';
import { TelegramChannel } from './telegram-channel.js';
import type { TelegramIngressInfo, TelegramIngressOptions } from './telegram-ingress.js';
import type { TelegramSettings } from './telegram-settings.js';

/** What a started plugin reports. */
export interface TelegramPluginStatus {
  /** The bot's @username. */
  readonly bot: string;
  readonly mode: 'webhook' | 'polling';
  readonly watchedChats: number;
  /** Where `/healthz`, `/readyz`, `/metrics` (and `/telegram/webhook`) are served. */
  readonly url: string;
}

/**
 * The Telegram channel of Switchboard: {@link TelegramChannel} on the channel runtime. The bot
 * turns commands and watched messages into classification jobs, and the runtime's consumer of
 * `deliver-telegram` posts the answers. It never runs a model, and it stays up while Redis is
 * down. `close()` may be called more than once.
 */
export class TelegramPlugin {
  /** The runtime (metrics, readiness). */
  readonly runtime: ChannelRuntime<ReplyTarget>;

  constructor(settings: TelegramSettings, log: Logger, options: TelegramIngressOptions = {}) {
    // The ingress serves health and metrics on TELEGRAM_PORT itself (beside the webhook route).
    const { healthPort: _port, healthHost: _host, ...common } = settings;
    this.runtime = new ChannelRuntime(new TelegramChannel(settings, log, options), { ...common, log });
  }

  /**
   * Reads the watch configuration, checks the token, registers the commands, starts receiving
   * updates and consuming deliveries (once Redis answers).
   * @throws Error when the configuration is wrong or Telegram refuses the token
   */
  async start(): Promise<TelegramPluginStatus> {
    let info: TelegramIngressInfo;
    try {
      info = (await this.runtime.start()) as TelegramIngressInfo;
    } catch (err) {
      await this.close();
      throw err;
    }
    return { bot: info.bot, mode: info.mode, watchedChats: info.watchedChats, url: String(info.health) };
  }

  /** Stops taking updates and deliveries, waits for those in flight. Safe to call more than once. */
  close(): Promise<void> {
    return this.runtime.close();
  }
}
