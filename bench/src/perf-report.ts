import { formatNumber, markdownTable } from './markdown-table.js';
import type { CaseFigures, LoadPoint, ModelFigures, Ratios, Target } from './perf-results.js';

/** The machine and the run, as printed above the tables. */
export interface RunContext {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly loadAverage: {
    readonly before: number;
    readonly min: number;
    readonly mean: number;
    readonly max: number;
  };
  readonly minutes: number;
  readonly quick: boolean;
  readonly rounds: number;
  readonly worker: Record<string, string | number>;
}

const ms = (v: number) => (Number.isFinite(v) ? formatNumber(v, v < 10 ? 2 : 1) : '-');
const ratio = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : formatNumber(v, 2));
const mb = (bytes: number) => formatNumber(bytes / 1024 / 1024);

function latencies(p: LoadPoint | undefined): string {
  return p ? `${ms(p.p50Ms)} / ${ms(p.p95Ms)} / ${ms(p.p99Ms)}` : '-';
}

function caseRow(c: CaseFigures): string[] {
  const at = (load: number) => c.points.find((p) => p.load === load);
  const rss = c.workerMemory.reduce((s, m) => s + m.rssBytes, 0);
  return [
    c.label,
    formatNumber(c.saturation.textsPerSecond),
    ratio(c.saturation.ratioToRaw),
    c.saturation.meanBatch === null ? '-' : formatNumber(c.saturation.meanBatch, 1),
    formatNumber(c.cpuMsPerText.total, 2),
    ms(c.idle.p50Ms),
    latencies(at(0.25)),
    latencies(at(0.5)),
    latencies(at(0.9)),
    c.workerMemory.length > 0 ? `${mb(rss)} (${c.workerMemory.length})` : '-',
  ];
}

/** One model's table: raw ceiling, then each way through the system. */
function modelTable(m: ModelFigures): string {
  const rawRows = m.raw.layouts.map((l) => [
    `onnxruntime alone, ${l.processes} proc × ${l.threads} thread, best batch`,
    formatNumber(l.best.textsPerSecond),
    ratio(l.best.textsPerSecond / m.raw.best.textsPerSecond),
    String(l.best.batch),
    formatNumber(l.best.cpuMsPerText, 2),
    '-',
    '-',
    '-',
    '-',
    l.rssBytes === null ? '-' : `${mb(l.rssBytes)} (1)`,
  ]);
  return markdownTable(
    [
      'path',
      'texts/s at saturation',
      '÷ raw',
      'texts a run',
      'CPU ms a text',
      'idle p50 ms',
      'p50 / p95 / p99 ms at 25%',
      'at 50%',
      'at 90%',
      'worker RSS MB (procs)',
    ],
    [...rawRows, ...m.cases.map(caseRow)],
  );
}

function cpuTable(m: ModelFigures): string {
  const part = (v: number | null) => (v === null ? '-' : formatNumber(v, 3));
  return markdownTable(
    ['CPU ms a text at saturation', 'workers', 'HTTP API', 'bench client', 'Redis', 'total'],
    m.cases.map((c) => [
      c.label,
      part(c.cpuMsPerText.workers),
      part(c.cpuMsPerText.http),
      part(c.cpuMsPerText.client),
      part(c.cpuMsPerText.redis),
      part(c.cpuMsPerText.total),
    ]),
  );
}

function sweepTable(m: ModelFigures): string {
  const batches = m.raw.layouts[0]!.points.map((p) => p.batch);
  return markdownTable(
    ['onnxruntime alone: texts/s at batch', ...batches.map(String)],
    m.raw.layouts.map((l) => [
      `${l.processes} proc × ${l.threads} thread`,
      ...l.points.map((p) => formatNumber(p.textsPerSecond)),
    ]),
  );
}

function ratiosTable(models: readonly ModelFigures[]): string {
  const rows: [string, (r: Ratios) => number | null][] = [
    ['queue e2e ÷ raw onnxruntime best (same moment)', (r) => r.queueOverRaw],
    ['queue e2e ÷ raw onnxruntime best (sweep, earlier)', (r) => r.queueOverRawSweep],
    ['raw CPU a text ÷ queue e2e CPU a text', (r) => r.queueCpuEfficiency],
    ['HTTP e2e ÷ raw onnxruntime best (same moment)', (r) => r.httpOverRaw],
    ['batching ÷ no batching (saturation)', (r) => r.batchingOverNoBatching],
    ['raw best batch ÷ raw batch 1 (most batching can give)', (r) => r.rawBatchGain],
    ['p99 at 50% load ÷ idle p50 (queue)', (r) => r.p99At50OverIdleP50],
    ['p99 at 50% load ÷ idle p50 (HTTP)', (r) => r.httpP99At50OverIdleP50],
    ['queue e2e ÷ BullMQ no-op', (r) => r.queueOverNoop],
    ['HTTP API e2e ÷ BullMQ no-op', (r) => r.httpOverNoop],
    ['HTTP API process CPU ms a request', (r) => r.httpApiCpuMs],
  ];
  return markdownTable(
    ['ratio', ...models.map((m) => m.name)],
    rows.map(([label, get]) => [label, ...models.map((m) => ratio(get(m.ratios)))]),
  );
}

function targetsTable(targets: readonly Target[]): string {
  return markdownTable(
    ['model', 'target', 'goal', 'measured', 'met'],
    targets.map((t) => [t.model, t.what, t.goal, formatNumber(t.value, 2), t.met ? 'yes' : 'NO']),
  );
}

/** The whole report in markdown. */
export function perfReport(
  models: readonly ModelFigures[],
  targets: readonly Target[],
  run: RunContext,
): string {
  const lines = [
    `## Performance: raw onnxruntime, queue and HTTP side by side${run.quick ? ' (--quick)' : ''}`,
    '',
    `${run.cpus} CPUs (${run.cpuModel}), Node ${run.node}; load average ${formatNumber(run.loadAverage.before, 2)} before the run, ${formatNumber(run.loadAverage.min, 2)}–${formatNumber(run.loadAverage.max, 2)} (mean ${formatNumber(run.loadAverage.mean, 2)}) during it; ${formatNumber(run.minutes, 1)} minutes. The bench, Redis, the HTTP API and the workers share these CPUs, and so does everything else running on the machine: compare ratios measured side by side rather than absolute figures.`,
    '',
    `Workers: ${Object.entries(run.worker)
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )}. Latency runs from each request's scheduled arrival to its answer; loads are shares of each path's own saturation throughput. "texts/s at saturation" is the median of ${run.rounds} rounds; in each round onnxruntime alone (the sweep's best layout and batch) and every path ran one after the other, and "÷ raw" is the median of the per-round quotients; "CPU ms a text" adds up the workers, the HTTP API, the bench client and Redis (shared with other users of the machine) during it.`,
  ];
  for (const m of models) {
    lines.push(
      '',
      `### ${m.name} (${m.encoderKind}, ${mb(m.sizeBytes)} MB)`,
      '',
      `Raw onnxruntime in the rounds: ${m.rawRounds.map((v) => formatNumber(v)).join(', ')} texts/s. Texts: ${m.texts.count} from ${m.texts.source}, ${m.texts.selection}; ${formatNumber(m.texts.idsPerText, 1)} ids a text. Encoding alone: ${formatNumber(m.raw.encodeTextsPerSecond)} texts/s on one core (raw figures exclude it, the workers pay it).`,
      '',
      modelTable(m),
      '',
      resolvedLine(m),
      '',
      sweepTable(m),
      '',
      cpuTable(m),
    );
  }
  lines.push('', '### Ratios', '', ratiosTable(models), '', '### Targets', '', targetsTable(targets));
  return lines.join('\n');
}

/** What `WORKER_CONCURRENCY` became in each path's workers (`auto` profiles the model at start). */
function resolvedLine(m: ModelFigures): string {
  const parts = m.cases
    .filter((c) => c.concurrency !== null)
    .map((c) => `${c.label}: ${c.concurrency} jobs held a process`);
  return parts.length === 0
    ? ''
    : `Worker concurrency as the workers resolved it (\`auto\` grows it to 16 under a backlog): ${parts.join('; ')}.`;
}
