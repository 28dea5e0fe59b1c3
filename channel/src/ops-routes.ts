import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What `/readyz` asks: `undefined` when ready, else why not. */
export type ReadinessCheck = () => string | undefined;

/**
 * Answers `GET /healthz` (the process serves), `/readyz` (it can queue work: 503 with the reason
 * otherwise) and `/metrics` (Prometheus text). Returns false for any other request, so a platform
 * receiver (Bolt) can mount these beside its own routes.
 */
export function opsRoutes(
  registry: Registry,
  notReady: ReadinessCheck,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return true;
    }
    if (path === '/readyz') {
      const reason = notReady();
      res.writeHead(reason ? 503 : 200, { 'content-type': 'text/plain' }).end(reason ?? 'ready');
      return true;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
      return true;
    }
    return false;
  };
}

/** A small HTTP server serving only {@link opsRoutes}, for channels whose ingress opens no port. */
export class OpsServer {
  private constructor(
    private readonly server: Server,
    /** `http://host:port` it listens on. */
    readonly url: string,
  ) {}

  /** Listens on `port` (0 picks a free one) and `host` (default all interfaces). */
  static async listen(
    routes: (req: IncomingMessage, res: ServerResponse) => boolean,
    port: number,
    host?: string,
  ): Promise<OpsServer> {
    const server = createServer((req, res) => {
      if (!routes(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1';
    return new OpsServer(server, `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`);
  }

  /** Stops listening. Safe to call more than once. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
