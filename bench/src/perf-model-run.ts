import { dirname } from 'node:path';
import type { ModelManifest } from '@switchboard/core';
import { BenchStack, type CpuSnapshot } from './bench-stack.js';
import { closedLoop, type LoadFigures, type Send } from './closed-loop.js';
import { formatNumber } from './markdown-table.js';
import { openLoop } from './open-loop.js';
import { type CaseFigures, type Latency, type LoadPoint, median, medianRatio } from './perf-results.js';
import type { Progress } from './progress.js';
import type { RawPool } from './raw-ort-sweep.js';
import { percentile } from './stats.js';

/** How long each part runs. */
export interface PerfTiming {
  readonly rawBatches: readonly number[];
  readonly rawStepSeconds: number;
  /** Rounds of saturation runs: every path once a round, beside one raw onnxruntime run. */
  readonly rounds: number;
  /** Uncounted start of each saturation run. */
  readonly warmSeconds: number;
  /** Counted part of each saturation run. */
  readonly sliceSeconds: number;
  /** Raw onnxruntime run of each round. */
  readonly referenceSeconds: number;
  /** Requests sent one at a time, per path (alternating between paths). */
  readonly idleSamples: number;
  readonly idleSeconds: number;
  readonly pointWarmSeconds: number;
  readonly pointSeconds: number;
}

/** Open-loop loads, as shares of each path's own saturation throughput. */
export const LOADS = [0.25, 0.5, 0.9] as const;

/** One way through the system. */
interface PathSpec {
  readonly key: CaseFigures['key'];
  readonly label: string;
  readonly stack: BenchStack;
  readonly via: 'queue' | 'http';
  readonly env: Record<string, string>;
  /** Measure open-loop latency at {@link LOADS}. */
  readonly points: boolean;
  readonly send: Send;
}

/** What one model's run needs. */
export interface ModelRunSpec {
  readonly manifest: ModelManifest;
  readonly texts: readonly string[];
  readonly reference: RawPool;
  readonly referenceBatch: number;
  /** Also measure BullMQ's no-op worker. */
  readonly noop: boolean;
  /** Worker settings to measure beside the defaults (queue e2e, each its own workers). */
  readonly variants: readonly Record<string, string>[];
  readonly redisUrl: string;
  readonly processes: number;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly callers: number;
  readonly timing: PerfTiming;
  readonly progress: Progress;
}

/** A saturation run of one path in one round. */
interface Slice {
  readonly run: LoadFigures;
  readonly cpuStart: CpuSnapshot;
  readonly cpuEnd: CpuSnapshot;
  readonly batch: { sum: number; count: number } | null;
  readonly batchAfter: { sum: number; count: number } | null;
}

/**
 * Measures every path of one model. All stacks stay up, idle when not measured, so that the paths
 * can take turns: each round runs raw onnxruntime and then every path's saturation run within
 * seconds of each other, and ratios are medians of per-round quotients. On a machine shared with
 * other work, that is what keeps a burst of someone else's load from landing on one path only.
 */
export async function runModel(spec: ModelRunSpec): Promise<{ cases: CaseFigures[]; rawRounds: number[] }> {
  const { progress, timing, manifest } = spec;
  const tag = `[${manifest.name}]`;
  const stacks: BenchStack[] = [];
  try {
    const start = async (
      what: string,
      s: Omit<
        Parameters<typeof BenchStack.start>[0],
        'redisUrl' | 'modelsDir' | 'model' | 'processes' | 'maxInFlight'
      > & { processes?: number },
    ) => {
      progress.update(`${tag} starting ${what}`);
      const stack = await BenchStack.start({
        redisUrl: spec.redisUrl,
        modelsDir: dirname(manifest.dir),
        model: manifest.name,
        maxInFlight: spec.callers,
        ...s,
        processes: s.processes ?? spec.processes,
      });
      stacks.push(stack);
      return stack;
    };
    const batching = await start(`${spec.processes} workers and the HTTP API`, {
      worker: 'switchboard',
      http: true,
    });
    const unbatched = await start(`${spec.processes} workers without batching`, {
      worker: 'switchboard',
      env: { BATCH_MAX_SIZE: '1' },
    });
    const noop = spec.noop
      ? await start(`${spec.processes} no-op BullMQ workers`, { worker: 'noop' })
      : undefined;
    const variants: { env: Record<string, string>; stack: BenchStack }[] = [];
    for (const env of spec.variants) {
      const processes = Number(env.WORKER_PROCESSES ?? spec.processes);
      const stack = await start(`workers with ${describeEnv(env)}`, {
        worker: 'switchboard',
        env,
        processes,
      });
      variants.push({ env, stack });
    }
    progress.done(`${tag} stacks up: ${stacks.map((s) => s.prefix).join(', ')}`);

    const paths: PathSpec[] = [];
    const path = (p: Omit<PathSpec, 'send'>) => paths.push({ ...p, send: p.stack.sender(p.via) });
    if (noop)
      path({
        key: 'noop',
        label: 'BullMQ, no-op processor',
        stack: noop,
        via: 'queue',
        env: {},
        points: false,
      });
    path({
      key: 'queue',
      label: `queue e2e, batching (max ${spec.maxBatch}, wait ${spec.maxWaitMs} ms)`,
      stack: batching,
      via: 'queue',
      env: {},
      points: true,
    });
    path({
      key: 'queue-no-batching',
      label: 'queue e2e, no batching (BATCH_MAX_SIZE=1)',
      stack: unbatched,
      via: 'queue',
      env: { BATCH_MAX_SIZE: '1' },
      points: false,
    });
    path({
      key: 'http',
      label: 'HTTP API e2e, batching',
      stack: batching,
      via: 'http',
      env: {},
      points: true,
    });
    for (const v of variants) {
      const label = `queue e2e, ${describeEnv(v.env)}`;
      path({ key: 'variant', label, stack: v.stack, via: 'queue', env: v.env, points: true });
    }

    let nextId = 0;
    const rawRounds: number[] = [];
    const slices = new Map<PathSpec, Slice[]>(paths.map((p) => [p, []]));
    for (let round = 0; round < timing.rounds; round++) {
      const label = `${tag} round ${round + 1} of ${timing.rounds}`;
      progress.update(`${label}: raw onnxruntime`);
      rawRounds.push(
        (await spec.reference.step(spec.referenceBatch, timing.referenceSeconds)).textsPerSecond,
      );
      // Rotated, so no path always runs first (or last) in a round.
      const order = paths.map((_, i) => paths[(i + round) % paths.length]!);
      for (const p of order) {
        const slice = await saturate(p, spec, nextId, (line) =>
          progress.update(`${label}: ${p.label}: ${line}`),
        );
        nextId = slice.nextId;
        slices.get(p)!.push(slice);
      }
      progress.done(
        `${label}: raw ${formatNumber(rawRounds[round]!)}, ${paths.map((p) => `${p.key} ${formatNumber(slices.get(p)![round]!.run.perSecond)}`).join(', ')} texts/s`,
      );
    }
    const memory = new Map<BenchStack, Awaited<ReturnType<BenchStack['workerMemory']>>>();
    for (const s of stacks) memory.set(s, await s.workerMemory());

    const idle = await idleRounds(paths, spec, nextId, (line) =>
      progress.update(`${tag} idle latency: ${line}`),
    );
    nextId = idle.nextId;
    progress.done(
      `${tag} idle p50: ${paths.map((p) => `${p.key} ${formatNumber(percentile(idle.latencies.get(p)!, 50), 2)} ms`).join(', ')}`,
    );

    const capacity = (p: PathSpec) => median(slices.get(p)!.map((s) => s.run.perSecond));
    const points = new Map<PathSpec, LoadPoint[]>(paths.map((p) => [p, []]));
    for (const [i, share] of LOADS.entries()) {
      for (const p of paths.filter((q) => q.points)) {
        const rate = share * capacity(p);
        const before = await p.stack.batchTotals();
        const run = await openLoop({
          send: p.send,
          texts: spec.texts,
          rate,
          warmSeconds: timing.pointWarmSeconds,
          seconds: timing.pointSeconds,
          firstId: nextId,
          seed: 100 + i,
          drainSeconds: 20,
          onProgress: (sent, answered, elapsed) =>
            progress.update(
              `${tag} ${p.label}: Poisson ${share * 100}% (${formatNumber(rate)}/s) ${elapsed.toFixed(1)} of ${timing.pointWarmSeconds + timing.pointSeconds} s, ${formatNumber(sent)} sent, ${formatNumber(answered)} answered`,
            ),
        });
        nextId = run.nextId;
        const point: LoadPoint = {
          load: share,
          rate,
          offeredPerSecond: run.offeredPerSecond,
          answeredPerSecond: run.perSecond,
          errors: run.errors,
          unanswered: run.unanswered,
          meanBatch: meanBatch([{ before, after: await p.stack.batchTotals() }]),
          ...latency(run.latenciesMs),
        };
        points.get(p)!.push(point);
        progress.done(
          `${tag} ${p.label}: at ${share * 100}% load p50 ${formatNumber(point.p50Ms, 1)} / p95 ${formatNumber(point.p95Ms, 1)} / p99 ${formatNumber(point.p99Ms, 1)} ms${point.errors + point.unanswered > 0 ? `, ${point.errors} errors, ${point.unanswered} unanswered` : ''}`,
        );
      }
    }

    const cases = paths.map((p): CaseFigures => {
      const runs = slices.get(p)!;
      const completed = runs.reduce((sum, s) => sum + s.run.completed, 0);
      const errors = runs.reduce((sum, s) => sum + s.run.errors, 0);
      const firstError = runs.find((s) => s.run.firstError)?.run.firstError;
      const rounds = runs.map((s) => s.run.perSecond);
      return {
        key: p.key,
        label: p.label,
        processes: Number(p.env.WORKER_PROCESSES ?? spec.processes),
        env: p.env,
        concurrency: p.stack.resolvedConcurrency,
        saturation: {
          ...latency(runs.flatMap((s) => s.run.latenciesMs)),
          textsPerSecond: median(rounds),
          rounds,
          ratioToRaw: medianRatio(rounds, rawRounds),
          callers: spec.callers,
          seconds: runs.reduce((sum, s) => sum + s.run.seconds, 0),
          errors,
          meanBatch: meanBatch(runs.map((s) => ({ before: s.batch, after: s.batchAfter }))),
          ...(firstError === undefined ? {} : { firstError }),
        },
        idle: latency(idle.latencies.get(p)!),
        points: points.get(p)!,
        cpuMsPerText: cpuPerText(runs, completed),
        workerMemory: memory.get(p.stack) ?? [],
        httpMemory: null,
      };
    });
    return { cases, rawRounds };
  } finally {
    progress.update(`${tag} stopping the stacks`);
    await Promise.all(stacks.map((s) => s.close()));
  }
}

/** One saturation run of a path, with CPU counters read at the edges of its counted window. */
async function saturate(
  p: PathSpec,
  spec: ModelRunSpec,
  firstId: number,
  onLine: (line: string) => void,
): Promise<Slice & { nextId: number }> {
  const { timing } = spec;
  const batch = await p.stack.batchTotals();
  const readings: Promise<CpuSnapshot>[] = [];
  const run = await closedLoop({
    send: p.send,
    texts: spec.texts,
    callers: spec.callers,
    warmSeconds: timing.warmSeconds,
    seconds: timing.sliceSeconds,
    firstId,
    onProgress: (done, elapsed) =>
      onLine(
        `${elapsed.toFixed(1)} of ${timing.warmSeconds + timing.sliceSeconds} s, ${formatNumber(done)} answers`,
      ),
    onWindow: () => {
      readings.push(p.stack.cpu());
    },
  });
  if (run.completed === 0) {
    throw new Error(
      `${p.label}: no request was answered under load (${run.firstError ?? 'no error either'})\nprocess output:\n${p.stack.output}`,
    );
  }
  const [cpuStart, cpuEnd] = await Promise.all(readings);
  return {
    run,
    cpuStart: cpuStart!,
    cpuEnd: cpuEnd!,
    batch,
    batchAfter: await p.stack.batchTotals(),
    nextId: run.nextId,
  };
}

/**
 * Requests one at a time with a pause between them, taking turns between the paths so that each
 * path's idle latency is sampled across the same stretch of time.
 */
async function idleRounds(
  paths: readonly PathSpec[],
  spec: ModelRunSpec,
  firstId: number,
  onLine: (line: string) => void,
): Promise<{ latencies: Map<PathSpec, number[]>; nextId: number }> {
  const latencies = new Map<PathSpec, number[]>(paths.map((p) => [p, []]));
  const until = performance.now() + spec.timing.idleSeconds * paths.length * 1000;
  let n = firstId;
  for (let i = 0; i < spec.timing.idleSamples && performance.now() < until; i++) {
    for (const p of paths) {
      const t0 = performance.now();
      await p.send(spec.texts[n % spec.texts.length]!, n++);
      latencies.get(p)!.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (i % 10 === 0) onLine(`${i + 1} of up to ${spec.timing.idleSamples} requests a path`);
  }
  return { latencies, nextId: n };
}

function describeEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function latency(samples: readonly number[]): Latency {
  return {
    samples: samples.length,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms: percentile(samples, 99),
  };
}

function cpuPerText(runs: readonly Slice[], texts: number): CaseFigures['cpuMsPerText'] {
  const sum = (part: (s: CpuSnapshot) => number | null) => {
    let total = 0;
    for (const r of runs) {
      const a = part(r.cpuStart);
      const b = part(r.cpuEnd);
      if (a === null || b === null) return null;
      total += b - a;
    }
    return total / texts;
  };
  const workers = sum((s) => s.workers)!;
  const http = sum((s) => s.http);
  const client = sum((s) => s.client)!;
  const redis = sum((s) => s.redis);
  return { workers, http, client, redis, total: workers + (http ?? 0) + client + (redis ?? 0) };
}

/** Texts per onnxruntime run over some stretches of the workers' batch-size histograms. */
function meanBatch(
  stretches: readonly {
    before: { sum: number; count: number } | null;
    after: { sum: number; count: number } | null;
  }[],
): number | null {
  let sum = 0;
  let count = 0;
  for (const { before, after } of stretches) {
    if (!before || !after) return null;
    sum += after.sum - before.sum;
    count += after.count - before.count;
  }
  return count > 0 ? sum / count : null;
}
