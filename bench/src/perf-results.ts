import type { ProcessMemory } from './process-usage.js';
import type { RawSweepFigures } from './raw-ort-sweep.js';

/** Latency percentiles, ms. */
export interface Latency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** One open-loop point: Poisson arrivals at a share of the case's own capacity. */
export interface LoadPoint extends Latency {
  /** Share of the saturation throughput offered (0.25, 0.5, 0.9). */
  readonly load: number;
  /** Mean arrivals per second asked for. */
  readonly rate: number;
  /** Arrivals per second actually sent in the counted window. */
  readonly offeredPerSecond: number;
  readonly answeredPerSecond: number;
  readonly errors: number;
  /** Counted requests with no answer when the run stopped waiting. */
  readonly unanswered: number;
  /** Texts per onnxruntime run at this load; null for the no-op worker. */
  readonly meanBatch: number | null;
}

/** Figures of one way through the system (queue with batching, without, HTTP, no-op). */
export interface CaseFigures {
  readonly key: 'noop' | 'queue' | 'queue-no-batching' | 'http' | 'variant';
  readonly label: string;
  readonly processes: number;
  /** Environment the workers got on top of the bench's own. */
  readonly env: Record<string, string>;
  /** Jobs held a process as the workers resolved `WORKER_CONCURRENCY` (null: the no-op worker). */
  readonly concurrency: number | null;
  readonly saturation: Latency & {
    /** Median of the rounds. */
    readonly textsPerSecond: number;
    /** Texts/s of each round; round r of every path ran within seconds of the others. */
    readonly rounds: readonly number[];
    /** Median over rounds of this path's texts/s ÷ raw onnxruntime's in the same round. */
    readonly ratioToRaw: number;
    readonly callers: number;
    readonly seconds: number;
    readonly errors: number;
    readonly meanBatch: number | null;
    readonly firstError?: string;
  };
  readonly idle: Latency;
  readonly points: readonly LoadPoint[];
  /** CPU time per text during the saturation runs, by part, ms; null parts were not measurable. */
  readonly cpuMsPerText: {
    readonly workers: number;
    readonly http: number | null;
    readonly client: number;
    readonly redis: number | null;
    readonly total: number;
  };
  /** Worker processes' memory after the saturation run. */
  readonly workerMemory: readonly ProcessMemory[];
  readonly httpMemory: ProcessMemory | null;
}

/** Ratios measured side by side, and the targets. */
export interface Ratios {
  /**
   * Queue e2e with batching ÷ raw onnxruntime at the sweep's best layout and batch: the median over
   * rounds of the two measured in the same round.
   */
  readonly queueOverRaw: number;
  /** The same ÷ the sweep's best (measured earlier, at another moment of the machine's load). */
  readonly queueOverRawSweep: number;
  readonly httpOverRaw: number | null;
  /**
   * Raw CPU ms per text ÷ queue e2e CPU ms per text (workers, producer, Redis): the share of the
   * ceiling the pipeline would reach on an otherwise idle machine; little moved by other load.
   */
  readonly queueCpuEfficiency: number;
  readonly batchingOverNoBatching: number;
  /**
   * Raw onnxruntime at its best batch ÷ at batch 1, in the best layout: the most that batching can
   * give this model on this machine, whatever the pipeline does.
   */
  readonly rawBatchGain: number;
  /** p99 at 50% load ÷ idle single-request p50 (queue e2e with batching). */
  readonly p99At50OverIdleP50: number | null;
  readonly httpP99At50OverIdleP50: number | null;
  /** Queue e2e with batching ÷ BullMQ no-op worker (first model only). */
  readonly queueOverNoop: number | null;
  /** HTTP API e2e ÷ BullMQ no-op worker (first model only). */
  readonly httpOverNoop: number | null;
  /** CPU ms of the HTTP API process alone per one-text request at saturation. */
  readonly httpApiCpuMs: number | null;
}

/** One target of the issue and whether this run met it. */
export interface Target {
  readonly model: string;
  readonly what: string;
  readonly goal: string;
  readonly value: number;
  readonly met: boolean;
}

/** Everything about one model. */
export interface ModelFigures {
  readonly name: string;
  readonly dir: string;
  readonly role: 'default' | 'transformer';
  readonly encoderKind: string;
  readonly sizeBytes: number;
  readonly texts: {
    readonly source: string;
    readonly count: number;
    readonly selection: string;
    readonly idsPerText: number;
  };
  readonly raw: RawSweepFigures;
  /**
   * Raw onnxruntime (the sweep's best layout and batch) once per round, beside the paths' runs of
   * that round: the ceiling at the same moment, which a shared machine moves.
   */
  readonly rawRounds: readonly number[];
  readonly cases: readonly CaseFigures[];
  readonly ratios: Ratios;
}

/** Median over rounds of `a[r] ÷ b[r]`: each quotient compares runs made seconds apart. */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  const quotients = a.map((v, r) => v / b[r]!).filter(Number.isFinite);
  return median(quotients);
}

/** Median; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Side-by-side ratios of one model's cases. */
export function ratiosOf(
  raw: RawSweepFigures,
  rawRounds: readonly number[],
  cases: readonly CaseFigures[],
): Ratios {
  const find = (key: CaseFigures['key']) => cases.find((c) => c.key === key);
  const queue = find('queue')!;
  const noBatching = find('queue-no-batching')!;
  const http = find('http');
  const noop = find('noop');
  const at50 = (c: CaseFigures | undefined) => c?.points.find((p) => p.load === 0.5);
  const p99Ratio = (c: CaseFigures | undefined) => {
    const point = at50(c);
    return point && c ? point.p99Ms / c.idle.p50Ms : null;
  };
  return {
    queueOverRaw: medianRatio(queue.saturation.rounds, rawRounds),
    queueOverRawSweep: queue.saturation.textsPerSecond / raw.best.textsPerSecond,
    httpOverRaw: http ? medianRatio(http.saturation.rounds, rawRounds) : null,
    queueCpuEfficiency: raw.best.cpuMsPerText / queue.cpuMsPerText.total,
    batchingOverNoBatching: medianRatio(queue.saturation.rounds, noBatching.saturation.rounds),
    rawBatchGain: rawBatchGain(raw),
    p99At50OverIdleP50: p99Ratio(queue),
    httpP99At50OverIdleP50: p99Ratio(http),
    queueOverNoop: noop ? medianRatio(queue.saturation.rounds, noop.saturation.rounds) : null,
    httpOverNoop: noop && http ? medianRatio(http.saturation.rounds, noop.saturation.rounds) : null,
    httpApiCpuMs: http?.cpuMsPerText.http ?? null,
  };
}

function rawBatchGain(raw: RawSweepFigures): number {
  const layout = raw.layouts.find(
    (l) => l.processes === raw.best.processes && l.threads === raw.best.threads,
  )!;
  const one = layout.points.find((p) => p.batch === 1);
  return one ? layout.best.textsPerSecond / one.textsPerSecond : Number.NaN;
}

/** The targets, checked against this run's figures. */
export function targetsOf(models: readonly ModelFigures[]): Target[] {
  const targets: Target[] = [];
  for (const m of models) {
    const r = m.ratios;
    if (m.role === 'transformer') {
      targets.push(
        {
          model: m.name,
          what: 'queue e2e ÷ raw onnxruntime (best)',
          goal: '≥ 0.85',
          value: r.queueOverRaw,
          met: r.queueOverRaw >= 0.85,
        },
        {
          model: m.name,
          what: 'batching ÷ no batching (saturation)',
          goal: '≥ 3',
          value: r.batchingOverNoBatching,
          met: r.batchingOverNoBatching >= 3,
        },
      );
      if (r.p99At50OverIdleP50 !== null) {
        targets.push({
          model: m.name,
          what: 'p99 at 50% load ÷ idle p50',
          goal: '≤ 2.5',
          value: r.p99At50OverIdleP50,
          met: r.p99At50OverIdleP50 <= 2.5,
        });
      }
    }
    if (r.queueOverNoop !== null) targets.push(...overheadTargets(m.name, r));
  }
  return targets;
}

/** Issue 18: what the queue and the HTTP API add to BullMQ's own cost, for a cheap model. */
function overheadTargets(model: string, r: Ratios): Target[] {
  const targets: Target[] = [];
  const atLeast = (what: string, value: number | null, goal: number) => {
    if (value !== null) targets.push({ model, what, goal: `≥ ${goal}`, value, met: value >= goal });
  };
  const atMost = (what: string, value: number | null, goal: number) => {
    if (value !== null) targets.push({ model, what, goal: `≤ ${goal}`, value, met: value <= goal });
  };
  atLeast('queue e2e ÷ BullMQ no-op (saturation)', r.queueOverNoop, 0.85);
  atLeast('HTTP API e2e ÷ BullMQ no-op (saturation)', r.httpOverNoop, 0.6);
  atMost('HTTP API process CPU ms per one-text request', r.httpApiCpuMs, 0.35);
  atMost('p99 at 50% load ÷ idle p50 (queue)', r.p99At50OverIdleP50, 4);
  atMost('p99 at 50% load ÷ idle p50 (HTTP)', r.httpP99At50OverIdleP50, 4);
  return targets;
}
