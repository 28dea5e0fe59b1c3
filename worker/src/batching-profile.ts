import type { EncodedText, TextClassification } from '@switchboard/core';

/** What profiling needs of a model: encode and one run, exactly as the batcher calls them. */
export interface ProfiledModel {
  encode(texts: readonly string[]): EncodedText[];
  run(batch: readonly EncodedText[]): Promise<TextClassification[]>;
}

/** How a model's run time grows with batch size, measured at start-up. */
export interface BatchingProfile {
  /** Fastest run of one text, in ms (including the hop to the inference thread). */
  readonly singleMs: number;
  /** Fastest run of {@link PROFILE_BATCH} texts, in ms. */
  readonly batchMs: number;
  /** Texts per second at {@link PROFILE_BATCH} over texts per second one at a time. */
  readonly gain: number;
}

/** Batch size of the profile's batched runs. */
export const PROFILE_BATCH = 8;

/**
 * Batching must make runs at least this much cheaper per text to be worth holding many jobs.
 * Below it (a transformer on a few CPU cores: onnxruntime's kernels are already busy with one
 * text's tokens, and batch 8 measured 1.0–1.6× batch 1 on 2 cores), waiting for company and
 * queueing behind a bigger run cost more latency than the capacity they add. The default models
 * measure 3–5×; a transformer on a GPU or many cores, far more.
 */
export const BATCHING_PAYS_AT = 2;

/** Jobs a process keeps in hand when batching does not pay need only hide the Redis round trip. */
const ROUND_TRIP_MS = 2;

/** A chat-sized sentence: what the plugins send most. */
export const PROBE_TEXT =
  'Switchboard measures how long this model takes for one short message and for several at once.';

/** Times single-text and batched runs of a loaded model (after its warm-up run). */
export async function profileBatching(model: ProfiledModel, rounds = 5): Promise<BatchingProfile> {
  const singleMs = await fastestRunMs(model, model.encode([PROBE_TEXT]), rounds);
  const many = model.encode(Array.from({ length: PROFILE_BATCH }, () => PROBE_TEXT));
  const batchMs = await fastestRunMs(model, many, rounds);
  return { singleMs, batchMs, gain: (PROFILE_BATCH * singleMs) / Math.max(batchMs, 1e-6) };
}

/**
 * The fastest of `rounds` runs of one batch, in ms. Other load on the machine only ever adds time,
 * so the fastest run is the steadiest estimate of what the model costs.
 */
export async function fastestRunMs(
  model: Pick<ProfiledModel, 'run'>,
  batch: readonly EncodedText[],
  rounds: number,
): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await model.run(batch);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * Resolves `WORKER_CONCURRENCY=auto`: a process whose models all batch well holds `max` jobs, so
 * batches form; a model that does not batch well needs only enough jobs in hand to hide the Redis
 * round trip, and fewer held jobs keep the others in Redis for whichever process frees up first
 * instead of queueing behind a busy one. With several models, the smallest wins (it protects the
 * slow model's latency).
 */
export function resolveAutoConcurrency(profiles: ReadonlyMap<string, BatchingProfile>, max: number): number {
  let concurrency = max;
  for (const p of profiles.values()) {
    if (p.gain >= BATCHING_PAYS_AT) continue;
    const hide = 1 + Math.ceil(ROUND_TRIP_MS / Math.max(p.singleMs, 0.01));
    concurrency = Math.min(concurrency, Math.max(2, hide));
  }
  return concurrency;
}
