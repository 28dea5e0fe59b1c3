import { randomUUID } from 'node:crypto';
import {
  ClassifyQueue,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  MAX_TEXTS_PER_REQUEST,
  type ModelCatalog,
  newClassifyRequest,
  type TextClassification,
} from '@switchboard/core';
import type { ClassifiedBatch, ClassifyBackend } from './classify-backend.js';

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

  async classify(texts: readonly string[]): Promise<ClassifiedBatch> {
    const queue = this.queue;
    if (!queue) throw new Error('QueueBackend.check() must run before classify()');
    const chunks: string[][] = [];
    for (let i = 0; i < texts.length; i += MAX_TEXTS_PER_REQUEST)
      chunks.push(texts.slice(i, i + MAX_TEXTS_PER_REQUEST));
    const answers: { version: string; results: TextClassification[] }[] = new Array(chunks.length);
    let next = 0;
    const requester = { id: `${process.env.USER ?? 'cli'}@${process.pid}` };
    const lane = async () => {
      while (next < chunks.length) {
        const index = next++;
        const request = newClassifyRequest({
          id: `cli-${randomUUID().replaceAll('-', '')}`,
          model: this.model,
          texts: chunks[index]!,
          channel: 'cli',
          requester,
        });
        const result = await queue.enqueueAndWait(request, this.timeoutMs);
        answers[index] = { version: result.version, results: result.results };
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, lane));
    return {
      model: this.model,
      version: answers[0]?.version ?? '',
      results: answers.flatMap((a) => a.results),
    };
  }

  async close(): Promise<void> {
    await this.queue?.close();
  }
}
