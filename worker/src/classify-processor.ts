import {
  type ClassifyRequest,
  ClassifyRequestSchema,
  type ClassifyResult,
  CONTRACT_VERSION,
  type DeliveryPublisher,
  describeIssue,
  type EncodedText,
  encodeFailure,
  ModelLoadError,
  type ModelManifest,
  SwitchboardError,
  UnknownModelError,
} from '@switchboard/core';
import { type Job, UnrecoverableError } from 'bullmq';
import type { MicroBatcher } from './micro-batcher.js';
import type { WorkerMetrics } from './worker-metrics.js';

/** What the processor needs of a loaded model. */
export interface EncodingModel {
  readonly manifest: ModelManifest;
  encode(texts: readonly string[]): EncodedText[];
}

/** A job's hold on a model version: a version being replaced or removed waits for its holders. */
export interface HeldModel<M extends EncodingModel> {
  readonly model: M;
  release(): void;
}

/** What the processor needs from its worker: narrow, so tests can hand in real parts one by one. */
export interface ProcessorContext<M extends EncodingModel = EncodingModel> {
  /** The model version a word names (`name` or `name@version`), held for this job. */
  classifier(model: string): Promise<HeldModel<M>>;
  /** The batcher of one model version. */
  batcher(model: M): MicroBatcher;
  readonly deliveries: DeliveryPublisher;
  readonly metrics: WorkerMetrics;
}

/**
 * Processes one classification job: validate, encode, classify through the model's batcher and,
 * for channels that answer asynchronously, publish the delivery before the job counts as done.
 * Errors that retrying cannot fix fail at once with a message for the person who asked.
 */
export async function processClassifyJob<M extends EncodingModel>(
  job: Job,
  ctx: ProcessorContext<M>,
): Promise<ClassifyResult> {
  const takenAt = Date.now();
  const parsed = ClassifyRequestSchema.safeParse(job.data);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new UnrecoverableError(
      encodeFailure('invalid_input', `Invalid request: ${field} ${message}`.trim()),
    );
  }
  const request = parsed.data;
  const labels = { model: request.model, channel: request.channel };
  let held: HeldModel<M> | undefined;
  try {
    held = await ctx.classifier(request.model);
    const classifier = held.model;
    const started = performance.now();
    const results = await ctx.batcher(classifier).submit(classifier.encode(request.texts));
    held.release();
    held = undefined;
    const inferenceMs = performance.now() - started;
    const queueMs = Math.max(0, takenAt - job.timestamp);
    const result: ClassifyResult = {
      v: CONTRACT_VERSION,
      id: request.id,
      // The model and version that ran, whatever word the request used (`name`, `name@version`).
      model: classifier.manifest.name,
      version: classifier.manifest.version,
      results: results.map((r) => ({ labels: [...r.labels], top: r.top, truncated: r.truncated })),
      queueMs,
      inferenceMs,
      finishedAt: Date.now(),
    };
    if (request.replyMode === 'deliver') await ctx.deliveries.publish(request, { ok: true, result });
    ctx.metrics.completed.inc(labels);
    ctx.metrics.queueWait.observe({ model: request.model }, queueMs / 1_000);
    ctx.metrics.inference.observe({ model: request.model }, inferenceMs / 1_000);
    ctx.metrics.endToEnd.observe(labels, Math.max(0, Date.now() - request.createdAt) / 1_000);
    return result;
  } catch (err) {
    held?.release();
    const { code, message, final } = classify(err, job);
    ctx.metrics.failed.inc({ ...labels, code });
    if (final) await deliverFailure(ctx, request, code, message);
    if (final) throw new UnrecoverableError(encodeFailure(code, message));
    throw new Error(encodeFailure(code, message), { cause: err });
  }
}

function classify(err: unknown, job: Job): { code: string; message: string; final: boolean } {
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (err instanceof UnknownModelError) return { code: err.code, message: err.message, final: true };
  if (err instanceof ModelLoadError) {
    return { code: err.code, message: `The model cannot be loaded: ${err.message}`, final: true };
  }
  if (err instanceof SwitchboardError) return { code: err.code, message: err.message, final: lastAttempt };
  return {
    code: 'inference_failed',
    message: `Classification failed: ${(err as Error)?.message}`,
    final: lastAttempt,
  };
}

async function deliverFailure(
  ctx: Pick<ProcessorContext, 'deliveries'>,
  request: ClassifyRequest,
  code: string,
  message: string,
) {
  if (request.replyMode !== 'deliver') return;
  await ctx.deliveries.publish(request, { ok: false, error: { code, message } });
}
