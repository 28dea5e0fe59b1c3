import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got. */
export interface ReceivedCall {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  readonly body: string;
  readonly at: number;
}

/** How the receiver answers a call; the default answers 204. */
export type Reaction = (res: ServerResponse, call: ReceivedCall) => void;

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's webhook endpoint: it records every
 * call per path and answers with the reactions queued for that path (then 204).
 */
export class WebhookReceiver {
  private readonly server: Server;
  private readonly calls = new Map<string, ReceivedCall[]>();
  private readonly reactions = new Map<string, Reaction[]>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const call = {
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.calls.set(path, [...(this.calls.get(path) ?? []), call]);
        const react = this.reactions.get(path)?.shift();
        if (react) react(res, call);
        else res.writeHead(204).end();
      });
    });
  }

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The URL of `path` on this receiver, by IP. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Queues answers for the next calls to `path`, in order. */
  answer(path: string, ...reactions: Reaction[]): void {
    this.reactions.set(path, [...(this.reactions.get(path) ?? []), ...reactions]);
  }

  /** Calls to `path` so far. */
  callsTo(path: string): readonly ReceivedCall[] {
    return this.calls.get(path) ?? [];
  }

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers `status`, with extra headers. */
export function status(code: number, headers: Record<string, string> = {}): Reaction {
  return (res) => res.writeHead(code, headers).end();
}

/** Never answers (the sender's timeout must fire). */
export const hang: Reaction = () => {};
