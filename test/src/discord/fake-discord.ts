import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGuild, FakeUser } from './discord-payloads.js';
import { FakeDiscordGateway } from './fake-discord-gateway.js';
import { FakeDiscordRest } from './fake-discord-rest.js';

/** Options of {@link FakeDiscord.start}. */
export interface FakeDiscordOptions {
  readonly applicationId: string;
  readonly bot: FakeUser;
  readonly guilds: readonly FakeGuild[];
}

/**
 * A local stand-in for Discord on one port: the REST API under `/api` (give the bot
 * `DISCORD_API_URL=fake.apiUrl`) and the gateway WebSocket at `/gateway`, which `GET /gateway/bot`
 * points to.
 */
export class FakeDiscord {
  readonly rest: FakeDiscordRest;
  readonly gateway: FakeDiscordGateway;
  private readonly server: Server;

  private constructor(options: FakeDiscordOptions) {
    this.rest = new FakeDiscordRest(options.bot, () => this.gatewayUrl);
    this.gateway = new FakeDiscordGateway({ ...options, url: () => this.gatewayUrl });
    this.server = createServer((req, res) => {
      this.rest.handle(req, res).catch((err: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake Discord failed: ${err.message}`, code: 0 }));
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  /** Starts the fake on a free port of 127.0.0.1. */
  static async start(options: FakeDiscordOptions): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The REST base for `DISCORD_API_URL`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL handed out by `GET /gateway/bot`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  private get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Closes the gateway connections and the server. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
