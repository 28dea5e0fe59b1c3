import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  HTTP_ENV,
  type HttpOptions,
  HttpServer,
  type HttpServerHooks,
  parseHttpOptions,
} from '@switchboard/plugin-http';
import { pino } from 'pino';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { REPO_ROOT, startWorker, type WorkerProcess } from '../helpers/worker-process.js';

/** The API's process entry, as `pnpm switchboard start` runs it. */
export const HTTP_MAIN = fileURLToPath(new URL('../../../plugins/http/dist/http-main.js', import.meta.url));

/** Two API keys the tests configure: `alice` and `bob`. */
export const KEYS = {
  alice: 'alice-key-0123456789abcdef',
  bob: 'bob-key-0123456789abcdef0',
} as const;

/** `HTTP_API_KEYS` holding {@link KEYS}. */
export const KEYS_SPEC = `alice:${KEYS.alice},bob:${KEYS.bob}`;

/** A queue prefix, the cue-model repository and (optionally) a worker process consuming it. */
export interface Backend {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly models: TestModels;
  readonly worker: WorkerProcess | undefined;
  /** Stops the worker, deletes the prefix's keys and the model folder. */
  close(): Promise<void>;
}

/** Starts a backend on the shared Redis under a fresh prefix. */
export async function startBackend(options: { worker?: boolean; redisUrl?: string } = {}): Promise<Backend> {
  const redisUrl = options.redisUrl ?? SHARED_REDIS_URL;
  const prefix = uniquePrefix('http');
  const models = await createTestModels();
  const worker =
    options.worker === false ? undefined : await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  return {
    redisUrl,
    prefix,
    models,
    worker,
    async close() {
      await worker?.stop();
      await deletePrefixKeys(redisUrl, prefix).catch(() => 0);
      await models.remove();
    },
  };
}

/** A running API server. */
export interface Api {
  readonly server: HttpServer;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a real API server on 127.0.0.1 (a free port) over `backend`, with the test keys unless
 * `apiKeys` says otherwise, the cue model as default and `/predict` model.
 */
export async function startApi(
  backend: Pick<Backend, 'redisUrl' | 'prefix' | 'models'>,
  overrides: Partial<Record<keyof HttpOptions, unknown>> = {},
  hooks: HttpServerHooks = {},
): Promise<Api> {
  const options = apiOptions(backend, overrides);
  const server = new HttpServer(options, pino({ level: options.logLevel }), hooks);
  const { url } = await server.start();
  return { server, url, close: () => server.close() };
}

/** Options of the API for `backend`: test keys, cue model as default and `/predict` model, port 0. */
function apiOptions(
  backend: Pick<Backend, 'redisUrl' | 'prefix' | 'models'>,
  overrides: Partial<Record<keyof HttpOptions, unknown>>,
): HttpOptions {
  return parseHttpOptions({
    host: '127.0.0.1',
    port: 0,
    redisUrl: backend.redisUrl,
    prefix: backend.prefix,
    modelsDir: backend.models.dir,
    apiKeys: KEYS_SPEC,
    defaultModel: FAST_MODEL,
    predictModel: FAST_MODEL,
    logLevel: 'silent',
    ...overrides,
  });
}

/** An API server in a process of its own (`http-main.ts`), configured through its environment. */
export interface ApiProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Stops the process (SIGTERM: it finishes requests in flight) and waits for it to exit. */
  close(): Promise<void>;
}

/** Forks `http-main.ts` over `backend` and resolves once it reports ready. */
export async function startApiProcess(
  backend: Pick<Backend, 'redisUrl' | 'prefix' | 'models'>,
  overrides: Partial<Record<keyof HttpOptions, unknown>> = {},
): Promise<ApiProcess> {
  const options = apiOptions(backend, { logLevel: 'warn', ...overrides });
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const [key, name] of Object.entries(HTTP_ENV)) env[name] = String(options[key as keyof HttpOptions]);
  const child = fork(HTTP_MAIN, [], {
    cwd: REPO_ROOT,
    execArgv: [],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type === 'ready' && m.url) resolve(m.url);
    });
    void exited.then(() => reject(new Error(`http-main exited before ready:\n${log}`)));
  });
  return {
    child,
    url,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An answer: status, headers and the parsed JSON body (or the text when not JSON). */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and assert on them
export interface Answer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Options of {@link call}. */
export interface CallOptions {
  /** API key to send as Bearer; `null` sends none. Default alice's. */
  key?: string | null;
  /** A JSON value, or a raw string/bytes sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends one request (bounded to 20 s so that a hang fails the test) and reads the answer. */
// biome-ignore lint/suspicious/noExplicitAny: see Answer
export async function call<T = any>(
  url: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? KEYS.alice : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | Uint8Array | undefined;
  if (typeof options.body === 'string' || options.body instanceof Uint8Array) body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, options.headers);
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, HTML): keep the text.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
