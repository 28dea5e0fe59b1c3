import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call the fake received. */
export interface ApiCall {
  readonly method: string;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked field by field in the tests
  readonly body: any;
  readonly at: number;
  /** False when the fake answered with an error (a {@link FakeBotApi.failNext} failure). */
  ok: boolean;
}

/** A Bot API error answer (`{"ok":false,...}`). */
export interface ApiFailure {
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number };
}

/** The bot the fake answers `getMe` for. */
export const BOT_USER = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: 'Switchboard',
  username: 'SwitchboardTestBot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
};

/**
 * A small stand-in for Telegram's Bot API (`TELEGRAM_API_ROOT`): answers
 * `/bot<token>/<method>` with `{"ok":true,"result":...}`, records every call, serves queued updates
 * to long polling, and fails chosen calls once (429 with retry_after, a refused delete...).
 */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  private readonly updates: unknown[] = [];
  private readonly failures = new Map<string, ApiFailure[]>();
  private readonly pollers = new Set<() => void>();
  private nextMessageId = 900_000;
  private nextUpdateId = 1;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`: the `TELEGRAM_API_ROOT`. */
    readonly url: string,
    /** The token it accepts; any other gets 401. */
    readonly token: string,
  ) {}

  /** Starts the fake on a free port. */
  static async start(token: string): Promise<FakeBotApi> {
    let fake: FakeBotApi | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeBotApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token);
    return fake;
  }

  /** Makes the next `count` calls of `method` fail with `failure`. */
  failNext(method: string, failure: ApiFailure, count = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < count; i++) list.push(failure);
    this.failures.set(method, list);
  }

  /** Queues an update for long polling and returns it with its `update_id`. */
  push<U extends object>(update: U): U & { update_id: number } {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(full);
    for (const wake of this.pollers) wake();
    return full;
  }

  /** A fresh update id, for updates posted to a webhook. */
  updateId(): number {
    return this.nextUpdateId++;
  }

  /** The calls of `method` matching `where`. */
  callsOf(method: string, where: (call: ApiCall) => boolean = () => true): ApiCall[] {
    return this.calls.filter((c) => c.method === method && where(c));
  }

  /** Resolves with the first answered call (past or future) of `method` matching `where`. */
  async waitForCall(
    method: string,
    where: (call: ApiCall) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<ApiCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.ok && c.method === method && where(c));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${method} call matched within ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => [c.method, c.body]))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stops the fake. */
  close(): Promise<void> {
    for (const wake of this.pollers) wake();
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const match = /^\/bot([^/]+)\/(\w+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match) return this.send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    if (token !== this.token) {
      return this.send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const body = raw ? JSON.parse(raw) : {};
    const call: ApiCall = { method, body, at: Date.now(), ok: true };
    this.calls.push(call);
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      call.ok = false;
      return this.send(res, failure.error_code, { ok: false, ...failure });
    }
    if (method === 'getUpdates') return this.send(res, 200, { ok: true, result: await this.poll(body) });
    return this.send(res, 200, { ok: true, result: this.result(method, body) });
  }

  // biome-ignore lint/suspicious/noExplicitAny: a Bot API request body
  private result(method: string, body: any): unknown {
    switch (method) {
      case 'getMe':
        return BOT_USER;
      case 'sendMessage':
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1_000),
          chat: { id: body.chat_id, type: 'supergroup', title: 'chat' },
          from: BOT_USER,
          text: body.text,
        };
      default:
        return true;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: a getUpdates request body
  private async poll(body: any): Promise<unknown[]> {
    const offset = Number(body.offset ?? 0);
    const pending = () => this.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
    // Telegram confirms updates below the offset by forgetting them.
    const waitMs = Math.min(Number(body.timeout ?? 0), 1) * 1_000;
    if (pending().length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.pollers.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.pollers.add(wake);
      });
    }
    return pending().slice(0, Number(body.limit ?? 100));
  }

  private send(res: ServerResponse, status: number, json: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  }
}
