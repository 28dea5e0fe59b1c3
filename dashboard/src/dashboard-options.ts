import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from '@switchboard/core';
import { z } from 'zod';
import { type CredentialConfig, credentialsFromEnv } from './auth/user-config.js';
import { TrustedProxies } from './http/trusted-proxies.js';

/** The non-empty entries of a comma-separated list. */
function commaList(list: string): string[] {
  return list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/** `https://dash.example.com` as a browser's `Origin` header says it; refuses paths and non-HTTP schemes. */
function toOrigin(value: string, ctx: z.RefinementCtx): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  const bare = url && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  if (!url || !['http:', 'https:'].includes(url.protocol) || !bare) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not an origin like https://dashboard.example.com (scheme, host and optional port, no path).`,
    });
    return z.NEVER;
  }
  return url.origin;
}

/** Everything the dashboard can be told, each with its environment variable and default. */
export const DashboardSettingsSchema = z.object({
  /** `DASHBOARD_PORT`; 0 picks a free port. */
  port: z.coerce.number().int().min(0).max(65_535).default(3100),
  /** `DASHBOARD_HOST` */
  host: z.string().min(1).default('127.0.0.1'),
  /** `REDIS_URL` */
  redisUrl: z.string().default(DEFAULT_REDIS_URL),
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  prefix: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** `DASHBOARD_LATENCY_SAMPLE`: recent finished classify jobs read for latency, volume and labels. */
  latencySample: z.coerce.number().int().min(10).max(50_000).default(1_000),
  /** `DASHBOARD_SECURE_COOKIE`: `auto` sets Secure unless the dashboard listens on loopback. */
  secureCookie: z.enum(['auto', 'true', 'false']).default('auto'),
  /**
   * `DASHBOARD_TRUSTED_PROXIES`: addresses and CIDR ranges of reverse proxies whose
   * `X-Forwarded-For` names the client (for the login throttle). Unset: the TCP peer is the client.
   */
  trustedProxies: z
    .string()
    .transform(commaList)
    .pipe(
      z.array(z.string()).superRefine((entries, ctx) => {
        try {
          new TrustedProxies(entries);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    )
    .optional(),
  /**
   * `DASHBOARD_PUBLIC_ORIGIN`: the origin(s) people reach the dashboard at through a proxy
   * (`https://dashboard.example.com`, comma-separated for several). State-changing requests must
   * come from one of them; unset, they must come from the `Host` they were sent to.
   */
  publicOrigins: z
    .string()
    .transform(commaList)
    .pipe(z.array(z.string().transform(toOrigin)))
    .optional(),
  /** `LOG_LEVEL` */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parsed settings, without credentials. */
export type DashboardSettings = z.infer<typeof DashboardSettingsSchema>;

/** Settings plus the credentials that sign people in. */
export interface DashboardOptions extends DashboardSettings {
  readonly credentials: CredentialConfig;
}

const ENV: Record<keyof DashboardSettings, string> = {
  port: 'DASHBOARD_PORT',
  host: 'DASHBOARD_HOST',
  redisUrl: 'REDIS_URL',
  prefix: 'SWITCHBOARD_QUEUE_PREFIX',
  latencySample: 'DASHBOARD_LATENCY_SAMPLE',
  secureCookie: 'DASHBOARD_SECURE_COOKIE',
  trustedProxies: 'DASHBOARD_TRUSTED_PROXIES',
  publicOrigins: 'DASHBOARD_PUBLIC_ORIGIN',
  logLevel: 'LOG_LEVEL',
};

/**
 * Reads the dashboard's options from the environment; a bad value names its variable.
 * @throws Error saying which variable is wrong and how
 */
export function dashboardOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardOptions {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = DashboardSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof DashboardSettings;
    throw new Error(`${ENV[key] ?? key}: ${issue.message}`);
  }
  return { ...parsed.data, credentials: credentialsFromEnv(env) };
}

/** True when a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
