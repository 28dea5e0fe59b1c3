import type { ChannelRuntime } from '@switchboard/channel';
import type { ModelCatalog } from '@switchboard/core';
import type { Logger } from 'pino';
import type { ReplyTarget } from './reply-target.js';

/** What the update handlers share. */
export interface HandlerContext {
  readonly runtime: ChannelRuntime<ReplyTarget>;
  readonly catalog: ModelCatalog;
  readonly defaultModel: string;
  readonly log: Logger;
}
