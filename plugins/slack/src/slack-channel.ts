import { webApi } from '@slack/bolt';
import type { ChannelAdapter, ChannelDelivery, ChannelIngress, ChannelRuntime } from '@switchboard/channel';
import type { Logger } from 'pino';
import { SLACK_REPLY_TARGET, type SlackReplyTarget } from './reply-target.js';
import { ResponseUrlLedger } from './response-url-ledger.js';
import { failureMessage, resultMessage } from './result-message.js';
import type { SlackConfig } from './slack-config.js';
import { SlackDeliverer } from './slack-deliverer.js';
import { apiBase, SlackIngress } from './slack-ingress.js';
import { boltLogger } from './slack-logger.js';
import type { SlackMessage } from './slack-message.js';
import { WebApiPoster } from './web-api-poster.js';

/**
 * The Slack channel as the channel contract declares it: reply targets whose `response_url` is
 * secret, Block Kit answers, delivery through the response URL or the Web API, and a Bolt ingress.
 */
export class SlackChannel implements ChannelAdapter<SlackReplyTarget, SlackMessage> {
  readonly name = 'slack';
  readonly replyTarget = SLACK_REPLY_TARGET;
  readonly render = { result: resultMessage, failure: failureMessage };
  private readonly web: WebApiPoster;
  private deliverer: SlackDeliverer | undefined;

  constructor(
    private readonly config: SlackConfig,
    log: Logger,
  ) {
    const slackApiUrl = apiBase(config.apiUrl);
    // Deliveries get their own client that never waits out a 429 itself: the queue does, see WebApiPoster.
    this.web = new WebApiPoster(
      new webApi.WebClient(config.botToken, {
        ...(slackApiUrl ? { slackApiUrl } : {}),
        logger: boltLogger(log),
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }),
    );
  }

  /** Posts a rendered answer; see {@link SlackDeliverer}. */
  deliver(message: SlackMessage, delivery: ChannelDelivery<SlackReplyTarget>): Promise<void> {
    if (!this.deliverer) throw new Error('Slack deliveries start after the ingress is built');
    return this.deliverer.deliver(message, delivery);
  }

  /** The Bolt app; also sets up the response_url ledger on the runtime's Redis link. */
  ingress(runtime: ChannelRuntime<SlackReplyTarget>): ChannelIngress {
    this.deliverer = new SlackDeliverer(
      this.web,
      new ResponseUrlLedger(runtime.redis, this.config.prefix),
      runtime.log,
    );
    return new SlackIngress(this.config, runtime);
  }
}
