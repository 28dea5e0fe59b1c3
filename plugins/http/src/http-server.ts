import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import {
  createRedis,
  FeedbackStore,
  queuePrefix,
  type RedisClient,
  redactRedisUrl,
  unavailable,
} from '@switchboard/core';
import type { Logger } from 'pino';
import { ApiKeyring } from './api-keyring.js';
import { ClassifyGateway } from './classify-gateway.js';
import { createApp } from './create-app.js';
import { FeedbackDesk } from './feedback-desk.js';
import { HttpMetrics } from './http-metrics.js';
import type { HttpOptions } from './http-options.js';
import { isLoopbackHost } from './loopback-host.js';
import { ModelDirectory } from './model-directory.js';
import { QueueLink } from './queue-link.js';
import { AllowedOrigins } from './webhook/allowed-origins.js';
import { CallbackGuard } from './webhook/callback-guard.js';
import { CallbackPolicy, type HostResolver } from './webhook/callback-policy.js';
import { WebhookDeliverer } from './webhook/webhook-deliverer.js';
import { WebhookMetrics } from './webhook/webhook-metrics.js';
import { WebhookSecrets } from './webhook/webhook-secrets.js';

/** Longest delay between two callback attempts, whatever the backoff has grown to. */
const MAX_WEBHOOK_DELAY_MS = 3_600_000;

/** What {@link HttpServer} uses from its surroundings, replaceable in tests. */
export interface HttpServerHooks {
  /** Resolves callback hosts (the system resolver by default). */
  readonly resolver?: HostResolver;
}

/** How the server authenticates, decided from the keys and the bind address. */
export type AuthMode = { readonly kind: 'keys'; readonly keyring: ApiKeyring } | { readonly kind: 'local' };

/**
 * Keys are required unless the server binds to loopback only. Without keys on any other address
 * anyone who can reach the port could use it, so that configuration is refused.
 * @throws Error saying what to set
 */
export function authMode(options: Pick<HttpOptions, 'host' | 'apiKeys'>): AuthMode {
  const keyring = ApiKeyring.parse(options.apiKeys);
  if (keyring.size > 0) return { kind: 'keys', keyring };
  if (isLoopbackHost(options.host)) return { kind: 'local' };
  throw new Error(
    `HTTP_HOST is ${options.host}, which other machines can reach, and HTTP_API_KEYS is empty: refusing to serve without keys. Set HTTP_API_KEYS (e.g. "ci:$(openssl rand -hex 24)"), or bind to 127.0.0.1 for local development.`,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The HTTP API process: Hono app on Node's HTTP server, a queue producer that survives Redis
 * outages, and a Redis connection for the rate limiter. It never loads onnxruntime.
 */
export class HttpServer {
  /** Authentication mode, fixed at construction. */
  readonly auth: AuthMode;
  private readonly options: HttpOptions;
  private readonly log: Logger;
  private readonly link: QueueLink;
  private readonly redis: RedisClient;
  private readonly secrets: WebhookSecrets;
  private readonly policy: CallbackPolicy;
  private deliverer: WebhookDeliverer | undefined;
  private server: ServerType | undefined;
  private address: { url: string; port: number } | undefined;
  private closing: Promise<void> | undefined;

  /** @throws Error for a configuration that must not serve (see {@link authMode}) or bad keys */
  constructor(options: HttpOptions, log: Logger, hooks: HttpServerHooks = {}) {
    this.options = options;
    this.log = log;
    this.auth = authMode(options);
    const keyring = this.auth.kind === 'keys' ? this.auth.keyring : undefined;
    this.secrets = new WebhookSecrets({
      defaultSecret: options.webhookSecret,
      secretOf: (caller) => keyring?.webhookSecretOf(caller),
      callers: keyring?.names ?? [],
    });
    this.policy = new CallbackPolicy(AllowedOrigins.parse(options.webhookAllowedOrigins), hooks.resolver);
    this.link = new QueueLink({ redisUrl: options.redisUrl, prefix: options.prefix }, log);
    // A producer connection: commands fail at once while Redis is down, reconnects in the background.
    this.redis = createRedis(options.redisUrl, 'producer', { lazyConnect: true });
    this.redis.on('error', () => {});
  }

  /** Connects (or starts retrying) and listens. Resolves to the URL it serves at. */
  async start(): Promise<{ url: string; port: number }> {
    const { options } = this;
    this.redis.connect().catch(() => {});
    const connected = await this.link.start();
    const models = new ModelDirectory(options.modelsDir);
    const gateway = new ClassifyGateway(this.link, models, {
      maxQueueDepth: options.maxQueueDepth,
      waitTimeoutMs: options.waitTimeoutMs,
    });
    const metrics = new HttpMetrics(() => gateway.depth());
    if (this.secrets.any) {
      // Callbacks are delivered by the API itself: it holds the secrets and the SSRF policy, and
      // every copy of it takes a share of the durable deliver-webhook queue.
      this.deliverer = new WebhookDeliverer({
        redisUrl: options.redisUrl,
        prefix: options.prefix,
        policy: this.policy,
        secrets: this.secrets,
        bounds: {
          backoffMs: options.webhookBackoffMs,
          maxDelayMs: MAX_WEBHOOK_DELAY_MS,
          maxAttempts: options.webhookMaxAttempts,
          maxAgeMs: options.webhookMaxAgeMs,
        },
        timeoutMs: options.webhookTimeoutMs,
        metrics: new WebhookMetrics(metrics.registry),
        log: this.log,
      });
      // Not awaited: while Redis is down the deliverer connects when it comes back.
      this.deliverer.start().catch((err: unknown) => {
        if (this.closing === undefined)
          this.log.error({ err: (err as Error).message }, 'webhook deliverer failed to start');
      });
    }
    const app = createApp({
      callbacks: this.secrets.any ? new CallbackGuard(this.policy, this.secrets) : undefined,
      options,
      keyring: this.auth.kind === 'keys' ? this.auth.keyring : undefined,
      gateway,
      feedback: new FeedbackDesk(
        gateway,
        new FeedbackStore(this.redis, {
          prefix: queuePrefix(options.prefix, options.redisUrl),
          maxRecords: options.feedbackMaxRecords,
          maxAgeDays: options.feedbackMaxAgeDays,
          salt: options.feedbackSalt,
        }),
        { windowMs: options.feedbackWindowMs, keepText: options.feedbackKeepText === 'true' },
      ),
      models,
      metrics,
      redis: this.redis,
      ready: async () => {
        this.link.get();
        await withTimeout(this.redis.ping(), 1_000, 'PING').catch((err: unknown) => {
          throw unavailable(options.redisUrl, err);
        });
      },
      log: this.log,
    });
    await this.checkPredictModel(models);
    this.address = await new Promise((resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({ url: `http://${host}:${info.port}`, port: info.port });
      });
      server.once('error', reject);
      this.server = server;
    });
    this.log.info(
      {
        url: this.address!.url,
        redis: redactRedisUrl(options.redisUrl),
        redisConnected: connected,
        auth: this.auth.kind === 'keys' ? this.auth.keyring.names : 'local (no keys)',
        rateLimitPerMinute: options.rateLimitPerMinute,
        maxQueueDepth: options.maxQueueDepth,
        webhooks: this.secrets.any ? 'on' : 'off (no HTTP_WEBHOOK_SECRET)',
      },
      'HTTP API listening',
    );
    return this.address!;
  }

  /** The URL served at, once started. */
  get url(): string | undefined {
    return this.address?.url;
  }

  /** Stops listening (closing idle keep-alive connections) and disconnects. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const server = this.server;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        });
      }
      await this.deliverer?.close();
      await this.link.close();
      this.redis.disconnect();
    })();
    return this.closing;
  }

  /** The bound port (useful with port 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  private async checkPredictModel(models: ModelDirectory): Promise<void> {
    try {
      await models.require(this.options.predictModel);
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message },
        `HTTP_PREDICT_MODEL "${this.options.predictModel}" is not in the model repository: /predict answers 503 until it is`,
      );
    }
  }
}
