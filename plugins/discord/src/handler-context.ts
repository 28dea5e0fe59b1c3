import type { ChannelRuntime } from '@switchboard/channel';
import type { ModelCatalog } from '@switchboard/core';
import type { Logger } from 'pino';
import type { ReplyTarget } from './reply-target.js';

/** What the gateway event handlers share: where requests go and what models exist. */
export interface HandlerContext {
  readonly runtime: ChannelRuntime<ReplyTarget>;
  readonly catalog: ModelCatalog;
  /** Model of requests that name none. */
  readonly defaultModel: string;
  readonly log: Logger;
}
