import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, webApi } from '@slack/bolt';
import { DeliveryConsumer, ModelCatalog, redisOptions } from '@switchboard/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerAppMention } from './app-mention.js';
import { ClassifyIntake } from './classify-intake.js';
import { registerMessageShortcut } from './message-shortcut.js';
import { QueueLink } from './queue-link.js';
import { ResponseUrlLedger } from './response-url-ledger.js';
import type { SlackConfig } from './slack-config.js';
import { SlackDeliverer } from './slack-deliverer.js';
import { boltLogger } from './slack-logger.js';
import { registerSlashCommand } from './slash-command.js';
import { UserRateLimiter } from './user-rate-limiter.js';
import { WebApiPoster } from './web-api-poster.js';

/** Where the running app can be reached, for the stack's ready message. */
export interface SlackPluginInfo {
  /** HTTP mode: the events URL (`http://host:port/slack/events`). */
  readonly url?: string;
  /** HTTP mode: the port actually bound (useful with `SLACK_PORT=0`). */
  readonly port?: number;
  /** A line for the person starting the stack. */
  readonly detail: string;
}

/** How long start-up (and a close before Redis was ever reached) waits for the delivery consumer. */
const CONSUMER_START_WAIT_MS = 3_000;

/** True when `promise` settles within `ms`; never rejects. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bolt's Web API base must end with a slash or method names are appended to its last segment. */
function apiBase(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The Slack channel of Switchboard: a Bolt app (HTTP or Socket Mode) whose slash command, message
 * shortcut and mentions enqueue classification jobs, and a consumer of the `deliver-slack` queue
 * that posts the answers. It never loads a model.
 */
export class SlackPlugin {
  private readonly config: SlackConfig;
  private readonly log: Logger;
  private readonly app: App;
  private readonly redis: Redis;
  private readonly queue: QueueLink;
  private readonly consumer: DeliveryConsumer;
  private started = false;
  private consuming = false;
  private closing: Promise<void> | undefined;

  constructor(config: SlackConfig, log: Logger) {
    this.config = config;
    this.log = log;
    const slackApiUrl = apiBase(config.apiUrl);
    const logger = boltLogger(log);
    const clientOptions = slackApiUrl ? { slackApiUrl } : {};
    const { connection } = config;
    this.app = new App({
      token: config.botToken,
      logger,
      clientOptions,
      deferInitialization: true,
      ...(connection.mode === 'http'
        ? {
            signingSecret: connection.signingSecret,
            customRoutes: [
              {
                path: '/healthz',
                method: ['GET'],
                handler: (_req, res) => {
                  res.writeHead(200, { 'content-type': 'text/plain' });
                  res.end('ok');
                },
              },
            ],
          }
        : { socketMode: true, appToken: connection.appToken }),
    });
    // Rate limits and the response_url ledger: a producer connection that fails fast when Redis is down.
    this.redis = new Redis(config.redisUrl, redisOptions('producer'));
    this.redis.on('error', () => {});
    this.queue = new QueueLink({ redisUrl: config.redisUrl, prefix: config.prefix }, log);
    const intake = new ClassifyIntake({
      catalog: new ModelCatalog(config.modelsDir),
      queue: this.queue,
      limiter: new UserRateLimiter(this.redis, { prefix: config.prefix, perMinute: config.userRateLimit }),
      help: { command: config.command, defaultModel: config.defaultModel },
      rateLimit: config.userRateLimit,
      log,
    });
    registerSlashCommand(this.app, {
      command: config.command,
      visibility: config.responseVisibility,
      intake,
    });
    registerMessageShortcut(this.app, { callbackId: config.shortcutCallbackId, intake, log });
    registerAppMention(this.app, { intake, log });
    this.app.error(async (error) => {
      log.error({ err: error.message }, 'Slack listener failed');
    });
    // Deliveries get their own client that never waits out a 429 itself: the queue does, see WebApiPoster.
    const deliveryClient = new webApi.WebClient(config.botToken, {
      ...clientOptions,
      logger,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const deliverer = new SlackDeliverer(
      new WebApiPoster(deliveryClient),
      new ResponseUrlLedger(this.redis, config.prefix),
      log,
    );
    this.consumer = new DeliveryConsumer({
      redisUrl: config.redisUrl,
      channel: 'slack',
      prefix: config.prefix,
      handler: (delivery, attempt) => deliverer.deliver(delivery, attempt),
      onFailed: (delivery, error) =>
        log.error({ id: delivery?.request.id, err: error.message }, 'delivery failed for good'),
    });
  }

  /**
   * Checks the bot token (`auth.test`), starts serving Slack and consuming deliveries.
   * @throws when the token is refused or the port is taken
   */
  async start(): Promise<SlackPluginInfo> {
    await this.queue.start();
    try {
      await this.app.init();
    } catch (err) {
      const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      throw new Error(
        `Slack refused the bot token (${reason}): check SLACK_BOT_TOKEN (OAuth & Permissions > Bot User OAuth Token, xoxb-...)`,
        { cause: err },
      );
    }
    const { connection } = this.config;
    let info: SlackPluginInfo;
    if (connection.mode === 'http') {
      const listen = { port: connection.port, ...(connection.host ? { host: connection.host } : {}) };
      const server = (await this.app.start(listen)) as Server;
      this.started = true;
      const port = (server.address() as AddressInfo).port;
      const host = connection.host ?? 'localhost';
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/slack/events`;
      info = { url, port, detail: `Slack app (HTTP): point the app's request URLs at ${url}` };
    } else {
      await this.app.start();
      this.started = true;
      info = { detail: 'Slack app in Socket Mode' };
    }
    await this.startConsumer();
    this.log.info({ mode: connection.mode, url: info.url, prefix: this.config.prefix }, 'Slack app ready');
    return info;
  }

  /**
   * Starts consuming deliveries. With Redis down the app still serves (commands are answered
   * "temporarily unavailable") and the consumer connects in the background once Redis is back.
   */
  private async startConsumer(): Promise<void> {
    const started = this.consumer.start().then(() => {
      this.consuming = true;
    });
    started.catch((err: Error) => this.log.error({ err: err.message }, 'delivery consumer failed to start'));
    if (!(await settledWithin(started, CONSUMER_START_WAIT_MS))) {
      this.log.warn('Redis not reachable: deliveries will start once it is');
      void started.then(() => this.log.info('delivery consumer connected'));
    }
  }

  /**
   * Stops taking Slack requests, lets the deliveries being posted finish, and closes the
   * connections. Deliveries still queued wait in Redis for the next start. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.started)
        await this.app.stop().catch((err: Error) => this.log.warn({ err: err.message }, 'stop'));
      if (this.consuming) await this.consumer.close();
      else await settledWithin(this.consumer.close(), CONSUMER_START_WAIT_MS);
      await this.queue.close();
      this.redis.disconnect();
    })();
    return this.closing;
  }
}
