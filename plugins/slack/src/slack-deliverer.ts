import { type ChannelDelivery, PermanentDeliveryError } from '@switchboard/channel';
import type { Logger } from 'pino';
import type { PostResult } from './post-result.js';
import type { SlackReplyTarget } from './reply-target.js';
import type { ResponseUrlLedger } from './response-url-ledger.js';
import { postToResponseUrl } from './response-url-poster.js';
import type { SlackMessage } from './slack-message.js';
import type { WebApiPoster } from './web-api-poster.js';

/** One way of getting an answer to the person, tried in order until one takes it. */
interface Route {
  readonly name: string;
  post(message: SlackMessage): Promise<PostResult>;
}

/**
 * Posts finished classifications (and failures, in plain words) where they were asked for:
 *
 * - command: its `response_url`, ephemeral or in channel as configured; once that URL is too old,
 *   used up or refused, `chat.postMessage` (in channel) or `chat.postEphemeral` (to the person);
 * - shortcut: `chat.postEphemeral` in the message's thread, else its `response_url`;
 * - mention: `chat.postMessage` in the thread, else `chat.postEphemeral` to the person.
 *
 * The last resort of each is a direct message to the person. Rate limits and passing failures
 * are thrown for the delivery queue to retry; when no route is left, the delivery fails for good.
 */
export class SlackDeliverer {
  constructor(
    private readonly web: WebApiPoster,
    private readonly ledger: ResponseUrlLedger,
    private readonly log: Logger,
  ) {}

  /** Posts one rendered answer; see the class comment. */
  async deliver(message: SlackMessage, delivery: ChannelDelivery<SlackReplyTarget>): Promise<void> {
    const { request, outcome, target, attempt } = delivery;
    const reasons: string[] = [];
    for (const route of this.routes(target, request.createdAt)) {
      const result = await route.post(message);
      if (result.posted) {
        this.log.info({ id: request.id, route: route.name, attempt, ok: outcome.ok }, 'delivered');
        return;
      }
      reasons.push(result.reason);
      this.log.info(
        { id: request.id, route: route.name, reason: result.reason },
        'route unusable; trying the next',
      );
    }
    throw new PermanentDeliveryError(`no way to reach the person: ${reasons.join('; ')}`);
  }

  private routes(target: SlackReplyTarget, issuedAt: number): Route[] {
    const { channel_id: channel, user_id: user, thread_ts } = target;
    const thread = thread_ts ? { thread_ts } : {};
    const responseUrl = (visibility: SlackReplyTarget['visibility']): Route[] =>
      target.response_url
        ? [
            {
              name: 'response_url',
              post: (m) => this.viaResponseUrl(target.response_url!, issuedAt, m, visibility),
            },
          ]
        : [];
    const inChannel: Route = {
      name: 'chat.postMessage',
      post: (m) => this.web.postMessage({ channel, ...thread }, m),
    };
    const toPerson: Route = {
      name: 'chat.postEphemeral',
      post: (m) => this.web.postEphemeral({ channel, user, ...thread }, m),
    };
    // Posting to a user id opens the app's direct message with them.
    const direct: Route = { name: 'direct message', post: (m) => this.web.postMessage({ channel: user }, m) };
    switch (target.kind) {
      case 'command':
        return [
          ...responseUrl(target.visibility),
          ...(target.visibility === 'in_channel' ? [inChannel] : []),
          toPerson,
          direct,
        ];
      case 'shortcut':
        return [toPerson, ...responseUrl('ephemeral'), direct];
      case 'mention':
        return [inChannel, toPerson, direct];
    }
  }

  private async viaResponseUrl(
    url: string,
    issuedAt: number,
    message: SlackMessage,
    visibility: SlackReplyTarget['visibility'],
  ): Promise<PostResult> {
    const refused = await this.ledger.claim(url, issuedAt);
    if (refused) return { posted: false, reason: refused };
    return postToResponseUrl(url, message, visibility);
  }
}
