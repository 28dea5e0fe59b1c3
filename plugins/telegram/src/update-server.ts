import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The path Telegram posts updates to in webhook mode. */
export const WEBHOOK_PATH = '/telegram/webhook';

/** The header in which Telegram repeats the webhook's `secret_token`. */
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The channel runtime's routes, served on the same port in both modes. */
const OPS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** An update is a few kilobytes; anything far larger is not from Telegram. */
const MAX_BODY_BYTES = 1_048_576;

/** Options of {@link UpdateServer}. */
export interface UpdateServerOptions {
  /** `/healthz`, `/readyz` and `/metrics` (the channel runtime's routes); true when answered. */
  readonly opsRoutes: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Webhook mode: the secret every update must carry, and what handles a verified update. */
  readonly webhook?: {
    readonly secret: string;
    readonly handle: (update: unknown) => Promise<void>;
  };
  readonly port: number;
  readonly host?: string;
}

/**
 * The plugin's one HTTP port: the runtime's health and metrics routes in both modes, and in
 * webhook mode `POST /telegram/webhook`. An update whose secret header is missing or wrong is
 * answered 401 and never handled; a verified one is answered 200 once it is handled (queued or
 * refused), so an update Telegram must redeliver is one the service never took.
 */
export class UpdateServer {
  private constructor(
    private readonly server: Server,
    /** `http://host:port` it listens on. */
    readonly url: string,
  ) {}

  /** Listens on the port (0 picks a free one). */
  static async listen(options: UpdateServerOptions): Promise<UpdateServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (OPS_PATHS.has(path) && options.opsRoutes(req, res)) return;
      if (path === WEBHOOK_PATH && options.webhook) {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('method not allowed');
          return;
        }
        void receive(req, res, options.webhook);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host =
      options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
    return new UpdateServer(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  }

  /** Stops listening. Safe to call more than once. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function receive(
  req: IncomingMessage,
  res: ServerResponse,
  webhook: NonNullable<UpdateServerOptions['webhook']>,
): Promise<void> {
  if (!sameSecret(req.headers[SECRET_HEADER], webhook.secret)) {
    req.resume();
    res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong secret token');
    return;
  }
  let size = 0;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('update too large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
  } catch {
    return;
  }
  let update: unknown;
  try {
    update = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('body is not JSON');
    return;
  }
  if (
    !update ||
    typeof update !== 'object' ||
    typeof (update as { update_id?: unknown }).update_id !== 'number'
  ) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('body is not a Telegram update');
    return;
  }
  await webhook.handle(update);
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
}
