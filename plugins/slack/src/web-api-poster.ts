import { webApi } from '@slack/bolt';
import { RetryLaterError } from '@switchboard/core';
import { POSTED, type PostResult, unusable } from './post-result.js';
import type { SlackMessage } from './slack-message.js';

// Errors meaning "this conversation will not take a message from us"; the next route may.
const CANNOT_POST_HERE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_in_channel',
  'user_not_found',
  'cannot_dm_bot',
  'messages_tab_disabled',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'channel_type_not_supported',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
]);

/** Where a Web API message goes. */
export interface WebApiTarget {
  readonly channel: string;
  /** For `chat.postEphemeral`: the one person who sees it. */
  readonly user?: string;
  readonly thread_ts?: string;
}

/**
 * Posts answers with `chat.postMessage` / `chat.postEphemeral` through a Web API client that does
 * not retry by itself: a 429 becomes a {@link RetryLaterError} so that the delivery queue waits
 * (without holding a slot), and other failures are sorted into "try another route" and "retry later".
 */
export class WebApiPoster {
  constructor(private readonly client: webApi.WebClient) {}

  /** A message everyone in the conversation (or thread) sees. */
  postMessage(target: WebApiTarget, message: SlackMessage): Promise<PostResult> {
    return this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: target.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(target.thread_ts ? { thread_ts: target.thread_ts } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
  }

  /** A message only `target.user` sees, in the conversation (or thread). */
  postEphemeral(target: WebApiTarget & { user: string }, message: SlackMessage): Promise<PostResult> {
    return this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({
        channel: target.channel,
        user: target.user,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(target.thread_ts ? { thread_ts: target.thread_ts } : {}),
      }),
    );
  }

  private async call(method: string, post: () => Promise<unknown>): Promise<PostResult> {
    try {
      await post();
      return POSTED;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === webApi.ErrorCode.RateLimitedError) {
        const seconds = (err as webApi.WebAPIRateLimitedError).retryAfter;
        throw new RetryLaterError(Math.max(1, seconds) * 1_000, `${method} rate limited for ${seconds} s`);
      }
      if (code === webApi.ErrorCode.PlatformError) {
        const error = (err as webApi.WebAPIPlatformError).data.error;
        if (CANNOT_POST_HERE.has(error)) return unusable(`${method}: ${error}`);
        throw new Error(`${method} failed: ${error}`);
      }
      // Network trouble and HTTP 5xx: worth retrying with backoff.
      throw new Error(`${method} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}
