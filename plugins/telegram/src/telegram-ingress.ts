import type { ChannelIngress, ChannelRuntime, IngressInfo } from '@switchboard/channel';
import { ModelCatalog } from '@switchboard/core';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { CommandHandler } from './command-handler.js';
import type { ReplyTarget } from './reply-target.js';
import type { TelegramSettings } from './telegram-settings.js';
import { UpdateServer, WEBHOOK_PATH } from './update-server.js';
import { BOT_COMMANDS } from './user-messages.js';
import { readWatchConfig, resolveWatchConfig, type WatchList } from './watch-config.js';
import { WatchHandler } from './watch-handler.js';

/** What a started Telegram ingress reports. */
export interface TelegramIngressInfo extends IngressInfo {
  /** The bot's @username. */
  readonly bot: string;
  /** `webhook` or `polling`. */
  readonly mode: 'webhook' | 'polling';
  /** Chats whose messages are checked. */
  readonly watchedChats: number;
}

/** Options of {@link TelegramIngress}. */
export interface TelegramIngressOptions {
  /**
   * Called when updates stop for good after the start (Telegram answered 401 or 409 Conflict to
   * long polling: the token was revoked, or another copy polls). The entry exits so that the
   * supervisor restarts it; by default the failure is only logged.
   */
  readonly onFatal?: (err: Error) => void;
}

/** The updates the bot asks Telegram for. */
const ALLOWED_UPDATES = ['message', 'edited_message'] as const;

/**
 * Telegram's side of the channel: a grammY bot fed by a webhook (`TELEGRAM_WEBHOOK_URL` set) or by
 * long polling, and the HTTP port serving the webhook route, `/healthz` and `/metrics`.
 */
export class TelegramIngress implements ChannelIngress {
  private bot: Bot | undefined;
  private server: UpdateServer | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly settings: TelegramSettings,
    private readonly runtime: ChannelRuntime<ReplyTarget>,
    private readonly options: TelegramIngressOptions = {},
  ) {}

  /**
   * Reads the watch configuration, checks the token (`getMe`), registers the command menu and
   * starts receiving updates.
   * @throws Error when the watch configuration is wrong, Telegram refuses the token or the port is taken
   */
  async start(): Promise<TelegramIngressInfo> {
    const { settings, runtime } = this;
    const { log } = runtime;
    const catalog = new ModelCatalog(settings.modelsDir);
    const watch: WatchList = settings.watch
      ? await resolveWatchConfig(await readWatchConfig(settings.watch), catalog)
      : new Map();
    const bot = new Bot(settings.token, { client: { apiRoot: settings.apiRoot } });
    this.bot = bot;
    const ctx = { runtime, catalog, defaultModel: settings.defaultModel, log };
    const commands = new CommandHandler(ctx);
    const watcher = new WatchHandler(ctx, watch);
    bot.catch((err) =>
      log.error(
        { err: err.error instanceof Error ? err.error.message : String(err.error) },
        'update handling failed',
      ),
    );
    // Watched messages are checked first and whatever else they are (a command too) goes on.
    bot.on(['message', 'edited_message'], async (tg, next) => {
      await watcher.handle(tg);
      await next();
    });
    bot.command('classify', (tg) => commands.classify(tg));
    bot.command('models', (tg) => commands.models(tg));
    bot.command(['help', 'start'], (tg) => commands.help(tg));

    await bot.init();
    await bot.api.setMyCommands(BOT_COMMANDS.map((c) => ({ ...c })));
    const webhook =
      settings.webhookUrl && settings.webhookSecret
        ? { url: settings.webhookUrl, secret: settings.webhookSecret }
        : undefined;
    this.server = await UpdateServer.listen({
      opsRoutes: runtime.opsRoutes,
      port: settings.healthPort,
      ...(settings.healthHost ? { host: settings.healthHost } : {}),
      ...(webhook
        ? {
            webhook: {
              secret: webhook.secret,
              handle: (update) => this.handle(bot, update as Update),
            },
          }
        : {}),
    });
    const username = `@${bot.botInfo.username}`;
    if (webhook) {
      await bot.api.setWebhook(webhook.url, {
        secret_token: webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
    } else {
      let started = false;
      await new Promise<void>((resolve, reject) => {
        // bot.start deletes any webhook first (Telegram refuses getUpdates while one is set).
        this.polling = bot.start({
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: () => {
            started = true;
            resolve();
          },
        });
        this.polling.catch((err: Error) => {
          if (!started) return reject(err);
          log.fatal({ err: err.message }, 'long polling stopped');
          this.options.onFatal?.(err);
        });
      });
    }
    const mode = webhook ? 'webhook' : 'polling';
    return {
      ...(webhook ? { url: `${this.server.url}${WEBHOOK_PATH}` } : {}),
      detail: `bot ${username} by ${mode === 'webhook' ? `webhook ${webhook?.url}` : 'long polling'}, ${watch.size} watched chat(s)`,
      bot: username,
      mode,
      watchedChats: watch.size,
      health: this.server.url,
    };
  }

  /** Stops taking updates (polling ends, the port closes). */
  async stop(): Promise<void> {
    if (this.bot?.isRunning()) await this.bot.stop().catch(() => {});
    await this.polling?.catch(() => {});
    await this.server?.close();
  }

  private handle(bot: Bot, update: Update): Promise<void> {
    const work = bot.handleUpdate(update);
    this.runtime.track(work, 'update');
    return work.catch(() => {});
  }
}
