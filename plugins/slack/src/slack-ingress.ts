import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { ChannelIngress, ChannelRuntime, IngressInfo } from '@switchboard/channel';
import { ModelCatalog } from '@switchboard/core';
import { registerAppMention } from './app-mention.js';
import { ClassifyIntake } from './classify-intake.js';
import { registerMessageShortcut } from './message-shortcut.js';
import type { SlackReplyTarget } from './reply-target.js';
import type { SlackConfig } from './slack-config.js';
import { boltLogger } from './slack-logger.js';
import { registerSlashCommand } from './slash-command.js';

/** Bolt's Web API base must end with a slash or method names are appended to its last segment. */
export function apiBase(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Slack's side of the channel: a Bolt app (HTTP or Socket Mode) whose slash command, message
 * shortcut and mentions go through one {@link ClassifyIntake}. In HTTP mode the app's port also
 * serves the runtime's `/healthz`, `/readyz` and `/metrics`.
 */
export class SlackIngress implements ChannelIngress {
  private readonly app: App;
  private started = false;

  constructor(
    private readonly config: SlackConfig,
    runtime: ChannelRuntime<SlackReplyTarget>,
  ) {
    const { log } = runtime;
    const slackApiUrl = apiBase(config.apiUrl);
    const { connection } = config;
    const ops = ['/healthz', '/readyz', '/metrics'].map((path) => ({
      path,
      method: ['GET'],
      handler: (req: Parameters<typeof runtime.opsRoutes>[0], res: Parameters<typeof runtime.opsRoutes>[1]) =>
        void runtime.opsRoutes(req, res),
    }));
    this.app = new App({
      token: config.botToken,
      logger: boltLogger(log),
      clientOptions: slackApiUrl ? { slackApiUrl } : {},
      deferInitialization: true,
      ...(connection.mode === 'http'
        ? { signingSecret: connection.signingSecret, customRoutes: ops }
        : { socketMode: true, appToken: connection.appToken }),
    });
    const intake = new ClassifyIntake({
      catalog: new ModelCatalog(config.modelsDir),
      runtime,
      help: { command: config.command, defaultModel: config.defaultModel },
      log,
    });
    const track = <T>(work: Promise<T>, kind: string): Promise<T> => {
      runtime.track(work, kind);
      return work;
    };
    registerSlashCommand(this.app, {
      command: config.command,
      visibility: config.responseVisibility,
      intake,
      track,
    });
    registerMessageShortcut(this.app, { callbackId: config.shortcutCallbackId, intake, log, track });
    registerAppMention(this.app, { intake, log, track });
    this.app.error(async (error) => {
      log.error({ err: error.message }, 'Slack listener failed');
    });
  }

  /**
   * Checks the bot token (`auth.test`) and starts serving Slack.
   * @throws when the token is refused or the port is taken
   */
  async start(): Promise<IngressInfo> {
    try {
      await this.app.init();
    } catch (err) {
      const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      throw new Error(
        `Slack refused the bot token (${reason}): check SLACK_BOT_TOKEN (OAuth & Permissions > Bot User OAuth Token, xoxb-...)`,
        { cause: err },
      );
    }
    const { connection } = this.config;
    if (connection.mode === 'socket') {
      await this.app.start();
      this.started = true;
      return { detail: 'Slack app in Socket Mode' };
    }
    const listen = { port: connection.port, ...(connection.host ? { host: connection.host } : {}) };
    const server = (await this.app.start(listen)) as Server;
    this.started = true;
    const port = (server.address() as AddressInfo).port;
    const host = connection.host ?? 'localhost';
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/slack/events`;
    return { url, port, detail: `Slack app (HTTP): point the app's request URLs at ${url}` };
  }

  /** Stops taking Slack requests. */
  async stop(): Promise<void> {
    if (this.started) await this.app.stop();
  }
}
