import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type FakeGuild, type FakeUser, guildCreatePayload, userPayload } from './discord-payloads.js';

/** What a client sent in IDENTIFY. */
export interface Identify {
  readonly token: string;
  readonly intents: number;
}

/**
 * The gateway half of the fake Discord, with exactly what discord.js needs to become ready:
 * HELLO, then READY after IDENTIFY, then a GUILD_CREATE per guild (without them discord.js waits
 * ~15 s and drops guild events). Heartbeats are acknowledged; dispatches go to every client.
 */
export class FakeDiscordGateway extends EventEmitter {
  /** IDENTIFY payloads received, in order. */
  readonly identified: Identify[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly options: {
    bot: FakeUser;
    applicationId: string;
    guilds: readonly FakeGuild[];
    url: () => string;
  };
  private seq = 0;

  constructor(options: {
    bot: FakeUser;
    applicationId: string;
    guilds: readonly FakeGuild[];
    url: () => string;
  }) {
    super();
    this.options = options;
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Takes over an HTTP upgrade request. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Sends a dispatch (op 0) to every identified client. */
  dispatch(t: string, d: unknown): void {
    const payload = JSON.stringify({ op: 0, t, s: ++this.seq, d });
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(payload);
  }

  /** Clients connected and identified right now. */
  get clients(): number {
    return this.sockets.size;
  }

  /** Resolves once `count` IDENTIFYs have been received in all. */
  waitForIdentify(count: number): Promise<Identify> {
    if (this.identified.length >= count) return Promise.resolve(this.identified[count - 1]!);
    return new Promise((resolve) => {
      const on = () => {
        if (this.identified.length < count) return;
        this.off('identify', on);
        resolve(this.identified[count - 1]!);
      };
      this.on('identify', on);
    });
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    socket.on('message', (data) => {
      const packet = JSON.parse(data.toString()) as { op: number; d: Record<string, unknown> };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      else if (packet.op === 2) this.onIdentify(socket, packet.d);
      // A RESUME: no session to resume here, so the client identifies afresh.
      else if (packet.op === 6) socket.send(JSON.stringify({ op: 9, d: false }));
    });
    socket.on('close', () => this.sockets.delete(socket));
  }

  private onIdentify(socket: WebSocket, d: Record<string, unknown>): void {
    const { bot, applicationId, guilds } = this.options;
    this.sockets.add(socket);
    const send = (t: string, payload: unknown) =>
      socket.send(JSON.stringify({ op: 0, t, s: ++this.seq, d: payload }));
    send('READY', {
      v: 10,
      user: { ...userPayload(bot), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: `session-${this.identified.length + 1}`,
      resume_gateway_url: this.options.url(),
      shard: [0, 1],
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      user_settings: {},
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    for (const guild of guilds) send('GUILD_CREATE', guildCreatePayload(guild));
    this.identified.push({ token: String(d.token), intents: Number(d.intents) });
    this.emit('identify');
  }
}
