import type { EventEmitter } from 'node:events';
import { Job, type Queue, type QueueEvents } from 'bullmq';

/**
 * Waits until a job completes (resolving with its return value) or fails (rejecting with an Error
 * holding its failure reason), as BullMQ's `Job.waitUntilFinished` does, but every error reaches
 * the caller. BullMQ's version looks at the job's state inside an async Promise executor: when the
 * queue closes meanwhile (a server stopping with a request still waiting), that look fails as an
 * unhandled rejection, which ends a Node process. After `ttlMs` it rejects and lets go of its
 * listeners.
 */
export function waitForJob(queue: Queue, events: QueueEvents, id: string, ttlMs: number): Promise<unknown> {
  // Per-job events (`completed:<id>`) and the queue's `closing` are emitted (BullMQ's own wait
  // listens to them) but absent from the typed listener maps.
  const emitter = events as unknown as EventEmitter;
  const closing = queue as unknown as EventEmitter;
  const completed = `completed:${id}`;
  const failed = `failed:${id}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      emitter.off(completed, onCompleted);
      emitter.off(failed, onFailed);
      closing.off('closing', onClosing);
      outcome();
    };
    const onCompleted = (args: { returnvalue: unknown }) => settle(() => resolve(args.returnvalue));
    const onFailed = (args: { failedReason: string }) => settle(() => reject(new Error(args.failedReason)));
    const onClosing = () => settle(() => reject(new Error('the queue closed before the job finished')));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`job ${id} did not finish within ${ttlMs} ms`))),
      ttlMs,
    );
    emitter.on(completed, onCompleted);
    emitter.on(failed, onFailed);
    closing.on('closing', onClosing);
    // The job may have finished before the listeners were on: look once, now that they are (and
    // QueueEvents reads its stream, so nothing finishing from here on is missed).
    void (async () => {
      await events.waitUntilReady();
      // State first: a job read before it finished would hold no return value yet.
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed') return;
      const job = await Job.fromId(queue, id);
      if (!job) return; // Removed meanwhile: the caller's timer answers.
      if (state === 'completed') onCompleted({ returnvalue: job.returnvalue });
      else onFailed({ failedReason: job.failedReason });
    })().catch((err: unknown) => settle(() => reject(err)));
  });
}
