import { once } from 'node:events';
import { ClassifyQueue, DeliveryConsumer, ModelCatalog } from '@switchboard/core';
import { Client, Events, GatewayIntentBits, REST } from 'discord.js';
import type { Logger } from 'pino';
import { DiscordDeliverer } from './discord-deliverer.js';
import type { DiscordSettings } from './discord-settings.js';
import type { HandlerContext } from './handler-context.js';
import { InteractionHandler } from './interaction-handler.js';
import { MessageHandler } from './message-handler.js';
import { readWatchConfig, resolveWatchConfig, type WatchList } from './watch-config.js';

/** Discord's REST API version the bot speaks. */
const API_VERSION = '10';

/** What a started plugin reports. */
export interface DiscordPluginStatus {
  /** The bot's user tag, e.g. `Switchboard#1234`. */
  readonly user: string;
  /** Guilds the bot is in. */
  readonly guilds: number;
  /** Guilds whose channels are watched. */
  readonly watchedGuilds: number;
}

/**
 * The Discord channel of Switchboard: a gateway client that turns commands, mentions and watched
 * messages into classification jobs, and a consumer of `deliver-discord` that posts the answers.
 * It never runs a model. `close()` stops taking events, lets the handlers and deliveries in flight
 * finish, and may be called more than once.
 */
export class DiscordPlugin {
  private readonly settings: DiscordSettings;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private client: Client | undefined;
  private queue: ClassifyQueue | undefined;
  private consumer: DeliveryConsumer | undefined;
  private closing: Promise<void> | undefined;

  constructor(settings: DiscordSettings, log: Logger) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Reads the watch configuration, connects to Redis, starts consuming deliveries and logs in.
   * @throws Error when the configuration is wrong, Redis is down or Discord refuses the login
   */
  async start(): Promise<DiscordPluginStatus> {
    if (this.closing) throw new Error('DiscordPlugin was closed; create a new one to start again');
    const { settings, log } = this;
    const catalog = new ModelCatalog(settings.modelsDir);
    const watch: WatchList = settings.watch
      ? await resolveWatchConfig(await readWatchConfig(settings.watch), catalog, {
          models: settings.watchModels,
          threshold: settings.watchThreshold,
        })
      : new Map();
    if (watch.size > 0 && !settings.messageContent) {
      log.warn(
        'DISCORD_WATCH is set but DISCORD_MESSAGE_CONTENT=false: watched messages arrive without text and cannot be checked',
      );
    }

    try {
      this.queue = await ClassifyQueue.connect({ redisUrl: settings.redisUrl, prefix: settings.prefix });
      const ctx: HandlerContext = {
        queue: this.queue,
        catalog,
        defaultModel: settings.defaultModel,
        log,
      };

      const rest = new REST({
        version: API_VERSION,
        ...(settings.apiUrl ? { api: settings.apiUrl } : {}),
        // Rate limits and server errors are waited out in the durable queue, not in this process.
        rejectOnRateLimit: () => true,
        retries: 0,
      }).setToken(settings.token);
      const deliverer = new DiscordDeliverer({ rest, flagEmoji: settings.flagEmoji, log });
      this.consumer = new DeliveryConsumer({
        redisUrl: settings.redisUrl,
        prefix: settings.prefix,
        channel: 'discord',
        handler: (delivery) => deliverer.deliver(delivery),
        onFailed: (delivery, err) =>
          log.error({ request: delivery?.request.id, err: err.message }, 'delivery failed for good'),
      });
      await this.consumer.start();

      const client = new Client({
        intents: [
          GatewayIntentBits.Guilds,
          GatewayIntentBits.GuildMessages,
          ...(settings.messageContent ? [GatewayIntentBits.MessageContent] : []),
        ],
        ...(settings.apiUrl ? { rest: { api: settings.apiUrl } } : {}),
        allowedMentions: { parse: [], repliedUser: false },
      });
      this.client = client;
      const interactions = new InteractionHandler(ctx);
      const messages = new MessageHandler(ctx, watch, () => client.user?.id);
      client.on(Events.InteractionCreate, (interaction) =>
        this.track(interactions.handle(interaction), 'interaction'),
      );
      client.on(Events.MessageCreate, (message) => this.track(messages.handle(message), 'message'));
      client.on(Events.Error, (err) => log.error({ err: err.message }, 'Discord client error'));
      client.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'gateway disconnected'));

      const ready = once(client, Events.ClientReady);
      await client.login(settings.token);
      await ready;
      const status: DiscordPluginStatus = {
        user: client.user?.tag ?? 'unknown',
        guilds: client.guilds.cache.size,
        watchedGuilds: watch.size,
      };
      log.info(status, 'Discord plugin ready');
      return status;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Stops taking events and deliveries, waits for those in flight. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.client?.removeAllListeners(Events.InteractionCreate);
      this.client?.removeAllListeners(Events.MessageCreate);
      await Promise.allSettled([...this.inFlight]);
      await this.consumer?.close();
      await this.client?.destroy();
      await this.queue?.close();
    })();
    return this.closing;
  }

  private track(work: Promise<void>, kind: string): void {
    const tracked = work.catch((err: Error) =>
      this.log.error({ err: err.message, kind }, 'event handling failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}
