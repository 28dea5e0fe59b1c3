import { randomUUID } from 'node:crypto';
import {
  ClassifyQueue,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  MAX_TEXTS_PER_REQUEST,
  type ModelCatalog,
  newClassifyRequest,
} from '@switchboard/core';
import type { ClassifiedBatch, ClassifyBackend } from './classify-backend.js';
import { classifyInChunks } from './classify-in-chunks.js';

/** Jobs one CLI call keeps in flight, so that workers can batch them together. */
const IN_FLIGHT = 8;

/**
 * Sends texts through the Redis queue to the worker processes (`switchboard classify --queue`),
 * the same path every channel takes: at most 64 texts per job, several jobs in flight.
 */
export class QueueBackend implements ClassifyBackend {
  private queue: ClassifyQueue | undefined;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly model: string,
    private readonly timeoutMs: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async check(): Promise<void> {
    await this.catalog.get(this.model);
    this.queue = await ClassifyQueue.connect({
      redisUrl: this.env.REDIS_URL || DEFAULT_REDIS_URL,
      prefix: this.env.SWITCHBOARD_QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX,
    });
  }

  classify(texts: readonly string[]): Promise<ClassifiedBatch> {
    const queue = this.queue;
    if (!queue) throw new Error('QueueBackend.check() must run before classify()');
    const requester = { id: `${process.env.USER ?? 'cli'}@${process.pid}` };
    return classifyInChunks(this.model, texts, MAX_TEXTS_PER_REQUEST, IN_FLIGHT, async (chunk) => {
      const request = newClassifyRequest({
        id: `cli-${randomUUID().replaceAll('-', '')}`,
        model: this.model,
        texts: chunk,
        channel: 'cli',
        requester,
      });
      return queue.enqueueAndWait(request, this.timeoutMs);
    });
  }

  async close(): Promise<void> {
    await this.queue?.close();
  }
}
