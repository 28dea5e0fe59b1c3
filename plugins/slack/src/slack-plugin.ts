import { ChannelRuntime } from '@switchboard/channel';
import type { Logger } from 'pino';
import type { SlackReplyTarget } from './reply-target.js';
import { SlackChannel } from './slack-channel.js';
import type { SlackConfig } from './slack-config.js';

/** Where the running app can be reached, for the stack's ready message. */
export interface SlackPluginInfo {
  /** HTTP mode: the events URL (`http://host:port/slack/events`). */
  readonly url?: string;
  /** HTTP mode: the port actually bound (useful with `SLACK_PORT=0`). */
  readonly port?: number;
  /** `SLACK_HEALTH_PORT` set: where `/healthz`, `/readyz` and `/metrics` are served. */
  readonly healthUrl?: string;
  /** A line for the person starting the stack. */
  readonly detail: string;
}

/**
 * The Slack channel of Switchboard: {@link SlackChannel} on the channel runtime. Its slash
 * command, message shortcut and mentions enqueue classification jobs, and the runtime's consumer of
 * `deliver-slack` posts the answers. It never loads a model.
 */
export class SlackPlugin {
  /** The runtime (metrics, readiness). */
  readonly runtime: ChannelRuntime<SlackReplyTarget>;

  constructor(config: SlackConfig, log: Logger) {
    this.runtime = new ChannelRuntime(new SlackChannel(config, log), { ...config, log });
  }

  /**
   * Starts serving Slack and consuming deliveries; with Redis down it starts anyway and answers
   * "temporarily unavailable" until Redis is back.
   * @throws when the token is refused or the port is taken
   */
  async start(): Promise<SlackPluginInfo> {
    const info = await this.runtime.start();
    return info as SlackPluginInfo;
  }

  /** Stops taking requests, lets the deliveries being posted finish. Safe to call twice. */
  close(): Promise<void> {
    return this.runtime.close();
  }
}
