import { ChannelRuntime } from '@switchboard/channel';
import type { Logger } from 'pino';
import { DiscordChannel } from './discord-channel.js';
import type { DiscordIngressInfo } from './discord-ingress.js';
import type { DiscordSettings } from './discord-settings.js';
import type { ReplyTarget } from './reply-target.js';

/** What a started plugin reports. */
export interface DiscordPluginStatus {
  /** The bot's user tag, e.g. `Switchboard#1234`. */
  readonly user: string;
  /** Guilds the bot is in. */
  readonly guilds: number;
  /** Guilds whose channels are watched. */
  readonly watchedGuilds: number;
  /** `DISCORD_HEALTH_PORT` set: where `/healthz`, `/readyz` and `/metrics` are served. */
  readonly healthUrl?: string;
}

/**
 * The Discord channel of Switchboard: {@link DiscordChannel} on the channel runtime. A gateway
 * client turns commands, mentions and watched messages into classification jobs, and the
 * runtime's consumer of `deliver-discord` posts the answers. It never runs a model, and it stays
 * up while Redis is down. `close()` may be called more than once.
 */
export class DiscordPlugin {
  /** The runtime (metrics, readiness). */
  readonly runtime: ChannelRuntime<ReplyTarget>;

  constructor(settings: DiscordSettings, log: Logger) {
    this.runtime = new ChannelRuntime(new DiscordChannel(settings, log), { ...settings, log });
  }

  /**
   * Reads the watch configuration, logs in and starts consuming deliveries (once Redis answers).
   * @throws Error when the configuration is wrong or Discord refuses the login
   */
  async start(): Promise<DiscordPluginStatus> {
    let info: DiscordIngressInfo & { healthUrl?: string };
    try {
      info = (await this.runtime.start()) as DiscordIngressInfo & { healthUrl?: string };
    } catch (err) {
      await this.close();
      throw err;
    }
    return {
      user: info.user,
      guilds: info.guilds,
      watchedGuilds: info.watchedGuilds,
      ...(info.healthUrl ? { healthUrl: info.healthUrl } : {}),
    };
  }

  /** Stops taking events and deliveries, waits for those in flight. Safe to call more than once. */
  close(): Promise<void> {
    return this.runtime.close();
  }
}
