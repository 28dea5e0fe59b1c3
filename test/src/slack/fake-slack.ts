import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received: a Web API call or a post to a `response_url`. */
export interface RecordedCall {
  /** `api` for `/api/<method>`, `response_url` for `/response/<id>`. */
  readonly kind: 'api' | 'response_url';
  /** The Web API method (`chat.postMessage`) or the response URL's id. */
  readonly name: string;
  /** The parsed body; JSON-looking form fields (`blocks`) are parsed too. */
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** The status the fake answered with; 0 while the request is held (see {@link FakeSlack.hold}). */
  readonly status: number;
}

/** A reply the fake gives instead of its default one. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** JSON-serialised unless a string. */
  readonly body?: unknown;
}

/** What the bot is, as `auth.test` tells Bolt. */
export const FAKE_BOT = { team_id: 'T0TEST', user_id: 'U0BOT', bot_id: 'B0BOT' } as const;

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

/**
 * A stand-in for Slack's Web API (`/api/<method>`, what `SLACK_API_URL` points at) and for the
 * `response_url`s of interactions (`/response/<id>`). Records every call; tests wait on calls
 * (an event, not a sleep) and may script the next replies of a route, e.g. a 429.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private readonly events = new EventEmitter();
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private ts = 1_700_000_000;
  private holding: ((route: string) => boolean) | undefined;
  private readonly held: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Starts the fake on a free loopback port. */
  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => fake!.handle(req.url ?? '/', req.headers, Buffer.concat(chunks).toString(), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** The Web API base for `SLACK_API_URL`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A `response_url` served by the fake; `id` names it in {@link RecordedCall.name}. */
  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${id}`;
  }

  /** The next replies of a Web API method or of `response/<id>`, used once each in order. */
  script(route: string, ...replies: ScriptedReply[]): void {
    this.scripts.set(route, [...(this.scripts.get(route) ?? []), ...replies]);
  }

  /**
   * Leaves requests to matching routes (`response/<id>`, `chat.postMessage`) unanswered, as a
   * Slack that has taken a request but not replied yet: the call is recorded at once with status 0.
   * For tests that kill a plugin while its posts are in flight.
   */
  hold(match: (route: string) => boolean): void {
    this.holding = match;
  }

  /** Stops holding and answers the held requests (whose clients may be gone by now). */
  release(): void {
    this.holding = undefined;
    for (const answer of this.held.splice(0)) answer();
  }

  /** Calls recorded so far that match. */
  find(match: (call: RecordedCall) => boolean): RecordedCall[] {
    return this.calls.filter(match);
  }

  /** Resolves with the first recorded call (past or future) that matches; rejects after `timeoutMs`. */
  waitForCall(
    match: (call: RecordedCall) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<RecordedCall> {
    const seen = this.calls.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (!match(call)) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        const names = this.calls.map((c) => c.name).join(', ');
        reject(new Error(`no ${what} within ${timeoutMs} ms (calls so far: ${names || 'none'})`));
      }, timeoutMs);
      this.events.on('call', onCall);
    });
  }

  /** Stops the server. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    url: string,
    headers: IncomingHttpHeaders,
    raw: string,
    res: import('node:http').ServerResponse,
  ): void {
    const path = new URL(url, this.baseUrl).pathname;
    const api = /^\/api\/([\w.]+)$/.exec(path);
    const response = /^\/response\/([\w.-]+)$/.exec(path);
    const route = api ? api[1]! : response ? `response/${response[1]}` : undefined;
    if (!route) {
      res.writeHead(404).end('not_found');
      return;
    }
    if (this.holding?.(route)) {
      const call: RecordedCall = {
        kind: api ? 'api' : 'response_url',
        name: api ? api[1]! : response![1]!,
        body: parseBody(raw, headers['content-type']),
        headers,
        at: Date.now(),
        status: 0,
      };
      this.calls.push(call);
      this.held.push(() => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('ok');
      });
      this.events.emit('call', call);
      return;
    }
    const scripted = this.scripts.get(route)?.shift();
    const reply = scripted ?? this.defaultReply(route, parseBody(raw, headers['content-type']));
    const status = reply.status ?? 200;
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? { ok: true });
    const call: RecordedCall = {
      kind: api ? 'api' : 'response_url',
      name: api ? api[1]! : response![1]!,
      body: parseBody(raw, headers['content-type']),
      headers,
      at: Date.now(),
      status,
    };
    this.calls.push(call);
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers }).end(payload);
    this.events.emit('call', call);
  }

  private defaultReply(route: string, body: Record<string, unknown>): ScriptedReply {
    switch (route) {
      case 'auth.test':
        return {
          body: {
            ok: true,
            url: 'https://test.slack.example/',
            team: 'Test',
            user: 'switchboard',
            ...FAKE_BOT,
          },
        };
      case 'chat.postMessage':
        this.ts += 1;
        return { body: { ok: true, channel: body.channel, ts: `${this.ts}.000100` } };
      case 'chat.postEphemeral':
        this.ts += 1;
        return { body: { ok: true, message_ts: `${this.ts}.000200` } };
      default:
        return route.startsWith('response/')
          ? { body: 'ok' }
          : { body: { ok: false, error: 'unknown_method' } };
    }
  }
}
