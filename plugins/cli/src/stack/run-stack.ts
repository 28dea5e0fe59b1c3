import { existsSync } from 'node:fs';
import { redactRedisUrl } from '@switchboard/core';
import { loadDotEnv } from './dot-env.js';
import { findServices, missingRequirement } from './find-services.js';
import { locateRedis } from './locate-redis.js';
import { REPO_ROOT } from './repo-root.js';
import { ServiceProcess } from './service-process.js';

/** Options of {@link runStack}. */
export interface StackOptions {
  /** Only these services (by name); default all whose requirements are met. */
  only?: readonly string[];
  /** Where progress goes. Default stdout. */
  log?: (line: string) => void;
}

/** A running stack. */
export interface RunningStack {
  readonly redisUrl: string;
  /** Name → URL (or detail) of every started service. */
  readonly services: ReadonlyMap<string, string>;
  /** Stops every service (in reverse order) and a Redis the stack started. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts everything on one machine: reads `.env`, finds Redis (or starts one), then every service
 * the workspace declares, skipping chat plugins whose credentials are not set.
 */
export async function runStack(options: StackOptions = {}): Promise<RunningStack> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (loadDotEnv()) log('Read configuration from .env');
  const redis = await locateRedis(process.env, log);
  log(
    `Redis: ${redactRedisUrl(redis.url)} (${redis.how === 'started' ? 'started by the stack' : `from ${redis.how}`})`,
  );
  const env = { ...process.env, REDIS_URL: redis.url };

  const started: ServiceProcess[] = [];
  const services = new Map<string, string>();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const s of [...started].reverse()) await s.stop();
      await redis.stop();
    })();
    return stopping;
  };

  try {
    for (const service of findServices(REPO_ROOT)) {
      if (options.only && !options.only.includes(service.name)) continue;
      const missing = missingRequirement(service, env);
      if (missing) {
        log(`${service.name}: not started (set ${missing} to enable it)`);
        continue;
      }
      if (!existsSync(service.entryPath)) {
        throw new Error(
          `${service.name}: ${service.entryPath} does not exist; build the workspace first (pnpm build)`,
        );
      }
      log(`${service.name}: starting...`);
      const proc = new ServiceProcess(service, { env, log });
      started.push(proc);
      const ready = await proc.start();
      const where = ready.url ?? ready.detail ?? 'running';
      services.set(service.name, where);
      log(`${service.name}: ready — ${where}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { redisUrl: redis.url, services, stop };
}
