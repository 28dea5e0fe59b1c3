import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeUser, userPayload } from './discord-payloads.js';
import { snowflake } from './snowflake.js';

/** One request the fake REST API received. */
export interface RestCall {
  readonly method: string;
  /** Path after `/api/v10`, percent-decoded: `/webhooks/1/tok/messages/@original`. */
  readonly path: string;
  readonly query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are Discord JSON of many shapes.
  readonly body: any;
  /** The Authorization header, if any. */
  readonly authorization: string | undefined;
}

/** An answer the fake gives instead of its default one. */
export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Picks calls: by method and a path pattern. */
export type CallMatcher = (call: RestCall) => boolean;

/** A matcher for `method` and a path matching `path` (a regexp or an exact string). */
export function call(method: string, path: RegExp | string): CallMatcher {
  return (c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path));
}

interface Override {
  readonly match: CallMatcher;
  readonly reply: RestReply;
  remaining: number;
}

/**
 * The REST half of the fake Discord: records every call, answers it the way Discord would (a
 * message object, 204...), and lets a test make chosen calls fail (401, 404, 429, 500).
 */
export class FakeDiscordRest extends EventEmitter {
  /** Every call, in arrival order. */
  readonly calls: RestCall[] = [];
  private readonly overrides: Override[] = [];
  private readonly bot: FakeUser;
  private readonly gatewayUrl: () => string;

  constructor(bot: FakeUser, gatewayUrl: () => string) {
    super();
    this.bot = bot;
    this.gatewayUrl = gatewayUrl;
    this.setMaxListeners(0);
  }

  /** Answers the next `times` calls that match with `reply` instead of the default. */
  failNext(match: CallMatcher, reply: RestReply, times = 1): void {
    this.overrides.push({ match, reply, remaining: times });
  }

  /** The calls received so far that match. */
  callsMatching(match: CallMatcher): RestCall[] {
    return this.calls.filter(match);
  }

  /**
   * Resolves with the `nth` (1-based) call that matches, as soon as it arrives (or at once if it
   * already has); rejects after `timeoutMs` listing the calls received, so a failure says what came.
   */
  waitForCall(match: CallMatcher, { nth = 1, timeoutMs = 20_000 } = {}): Promise<RestCall> {
    const seen = this.callsMatching(match);
    if (seen.length >= nth) return Promise.resolve(seen[nth - 1]!);
    return new Promise((resolve, reject) => {
      let count = seen.length;
      const onCall = (c: RestCall) => {
        if (!match(c) || ++count < nth) return;
        clearTimeout(timer);
        this.off('call', onCall);
        resolve(c);
      };
      const timer = setTimeout(() => {
        this.off('call', onCall);
        const list = this.calls.map((c) => `${c.method} ${c.path}`).join('\n  ');
        reject(new Error(`no matching REST call within ${timeoutMs} ms; received:\n  ${list}`));
      }, timeoutMs);
      this.on('call', onCall);
    });
  }

  /** Handles one HTTP request under `/api/v10`. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const recorded: RestCall = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, '')),
      query: url.searchParams,
      body: raw ? JSON.parse(raw) : undefined,
      authorization: req.headers.authorization,
    };
    this.calls.push(recorded);
    const override = this.overrides.find((o) => o.remaining > 0 && o.match(recorded));
    let reply: RestReply;
    if (override) {
      override.remaining--;
      reply = override.reply;
    } else {
      reply = this.defaultReply(recorded);
    }
    res.writeHead(reply.status, {
      ...(reply.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    });
    res.end(reply.body !== undefined ? JSON.stringify(reply.body) : undefined);
    this.emit('call', recorded);
  }

  private defaultReply(c: RestCall): RestReply {
    const p = c.path.split('/').slice(1);
    if (c.method === 'GET' && c.path === '/gateway/bot') {
      return {
        status: 200,
        body: {
          url: this.gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1_000, remaining: 1_000, reset_after: 0, max_concurrency: 1 },
        },
      };
    }
    if (c.method === 'POST' && p[0] === 'interactions' && p[3] === 'callback') return { status: 204 };
    if (p[0] === 'webhooks' && p[3] === 'messages' && c.method === 'DELETE') return { status: 204 };
    if (p[0] === 'webhooks' && (c.method === 'PATCH' || c.method === 'POST')) {
      return { status: 200, body: this.message(c.body, '0', true) };
    }
    if (c.method === 'POST' && p[0] === 'channels' && p[2] === 'messages' && p.length === 3) {
      return { status: 200, body: this.message(c.body, p[1]!, false) };
    }
    if (c.method === 'PUT' && p[0] === 'channels' && p[4] === 'reactions') return { status: 204 };
    if (c.method === 'POST' && c.path === '/users/@me/channels') {
      return { status: 200, body: { id: snowflake(), type: 1, recipients: [{ id: c.body.recipient_id }] } };
    }
    if (c.method === 'PUT' && p[0] === 'applications' && p.at(-1) === 'commands') {
      const commands = c.body as Record<string, unknown>[];
      return {
        status: 200,
        body: commands.map((cmd) => ({
          id: snowflake(),
          application_id: p[1],
          version: snowflake(),
          ...cmd,
        })),
      };
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private message(body: Record<string, unknown> | undefined, channelId: string, fromInteraction: boolean) {
    return {
      id: snowflake(),
      type: fromInteraction ? 20 : 0,
      channel_id: channelId,
      author: userPayload(this.bot),
      content: body?.content ?? '',
      embeds: body?.embeds ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: body?.flags ?? 0,
      components: [],
      ...(fromInteraction
        ? {
            interaction_metadata: {
              id: snowflake(),
              type: 2,
              user: userPayload(this.bot),
              authorizing_integration_owners: {},
            },
          }
        : {}),
    };
  }
}
