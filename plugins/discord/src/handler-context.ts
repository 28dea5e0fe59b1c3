import type { ClassifyQueue, ModelCatalog } from '@switchboard/core';
import type { Logger } from 'pino';

/** What the gateway event handlers share: where requests go and what models exist. */
export interface HandlerContext {
  readonly queue: ClassifyQueue;
  readonly catalog: ModelCatalog;
  /** Model of requests that name none. */
  readonly defaultModel: string;
  readonly log: Logger;
}
