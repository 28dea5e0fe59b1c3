import { once } from 'node:events';
import type { ChannelIngress, ChannelRuntime, IngressInfo } from '@switchboard/channel';
import { ModelCatalog } from '@switchboard/core';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { DiscordSettings } from './discord-settings.js';
import { InteractionHandler } from './interaction-handler.js';
import { MessageHandler } from './message-handler.js';
import type { ReplyTarget } from './reply-target.js';
import { readWatchConfig, resolveWatchConfig, type WatchList } from './watch-config.js';

/** What a started Discord ingress reports. */
export interface DiscordIngressInfo extends IngressInfo {
  /** The bot's user tag, e.g. `Switchboard#1234`. */
  readonly user: string;
  /** Guilds the bot is in. */
  readonly guilds: number;
  /** Guilds whose channels are watched. */
  readonly watchedGuilds: number;
}

/**
 * Discord's side of the channel: a gateway client whose commands, mentions and watched messages
 * go to the runtime. Every handler runs as tracked work, so a stop lets them finish.
 */
export class DiscordIngress implements ChannelIngress {
  private client: Client | undefined;

  constructor(
    private readonly settings: DiscordSettings,
    private readonly runtime: ChannelRuntime<ReplyTarget>,
  ) {}

  /**
   * Reads the watch configuration and logs in.
   * @throws Error when the watch configuration is wrong or Discord refuses the login
   */
  async start(): Promise<DiscordIngressInfo> {
    const { settings, runtime } = this;
    const { log } = runtime;
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
    const ctx = { runtime, catalog, defaultModel: settings.defaultModel, log };
    const interactions = new InteractionHandler(ctx);
    const messages = new MessageHandler(ctx, watch, () => client.user?.id);
    client.on(Events.InteractionCreate, (i) => runtime.track(interactions.handle(i), 'interaction'));
    client.on(Events.MessageCreate, (m) => runtime.track(messages.handle(m), 'message'));
    client.on(Events.Error, (err) => log.error({ err: err.message }, 'Discord client error'));
    client.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'gateway disconnected'));

    const ready = once(client, Events.ClientReady);
    await client.login(settings.token);
    await ready;
    const user = client.user?.tag ?? 'unknown';
    const guilds = client.guilds.cache.size;
    return {
      detail: `bot ${user} in ${guilds} guild(s), ${watch.size} watched`,
      user,
      guilds,
      watchedGuilds: watch.size,
    };
  }

  /** Stops taking events and leaves the gateway. */
  async stop(): Promise<void> {
    this.client?.removeAllListeners(Events.InteractionCreate);
    this.client?.removeAllListeners(Events.MessageCreate);
    await this.client?.destroy();
  }
}
