import type { ChannelAdapter, ChannelDelivery, ChannelIngress, ChannelRuntime } from '@switchboard/channel';
import { REST } from 'discord.js';
import type { Logger } from 'pino';
import { DISCORD_RENDERER, type DiscordAnswer } from './discord-answer.js';
import { DiscordDeliverer } from './discord-deliverer.js';
import { DiscordIngress } from './discord-ingress.js';
import type { DiscordSettings } from './discord-settings.js';
import { DISCORD_REPLY_TARGET, type ReplyTarget } from './reply-target.js';

/** Discord's REST API version the bot speaks. */
const API_VERSION = '10';

/**
 * The Discord channel as the channel contract declares it: reply targets whose interaction
 * token is secret, embed answers, delivery through the REST API and a gateway ingress.
 */
export class DiscordChannel implements ChannelAdapter<ReplyTarget, DiscordAnswer> {
  readonly name = 'discord';
  readonly replyTarget = DISCORD_REPLY_TARGET;
  readonly render = DISCORD_RENDERER;
  private readonly deliverer: DiscordDeliverer;

  constructor(
    private readonly settings: DiscordSettings,
    log: Logger,
  ) {
    const rest = new REST({
      version: API_VERSION,
      ...(settings.apiUrl ? { api: settings.apiUrl } : {}),
      // Rate limits and server errors are waited out in the durable queue, not in this process.
      rejectOnRateLimit: () => true,
      retries: 0,
    }).setToken(settings.token);
    this.deliverer = new DiscordDeliverer({ rest, flagEmoji: settings.flagEmoji, log });
  }

  /** Posts a rendered answer; see {@link DiscordDeliverer}. */
  deliver(message: DiscordAnswer, delivery: ChannelDelivery<ReplyTarget>): Promise<void> {
    return this.deliverer.deliver(message, delivery);
  }

  /** The gateway client. */
  ingress(runtime: ChannelRuntime<ReplyTarget>): ChannelIngress {
    return new DiscordIngress(this.settings, runtime);
  }
}
