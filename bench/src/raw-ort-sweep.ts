import { join } from 'node:path';
import { REPO_ROOT } from './bench-texts.js';
import { onInterrupt } from './interrupt-cleanup.js';
import { processMemory } from './process-usage.js';
import type { RawReply, RawRequest } from './raw-ort-messages.js';
import { ServiceProcess } from './service-process.js';
import { percentile } from './stats.js';

const RAW_ENTRY = join(REPO_ROOT, 'bench', 'dist', 'raw-ort-main.js');

/** How the machine's cores are given to onnxruntime: processes × intra-op threads each. */
export interface RawLayout {
  readonly processes: number;
  readonly threads: number;
}

/** Raw throughput of one layout at one batch size, all its processes together. */
export interface RawPoint {
  readonly batch: number;
  readonly textsPerSecond: number;
  /** Median time of one run, ms (first process). */
  readonly runMsP50: number;
  /** CPU time per text, all processes and threads together, ms. */
  readonly cpuMsPerText: number;
}

/** Raw figures of one layout. */
export interface RawLayoutFigures extends RawLayout {
  readonly points: readonly RawPoint[];
  readonly best: RawPoint;
  /** Resident memory of one of its processes after the sweep: the model alone, for comparison. */
  readonly rssBytes: number | null;
}

/** What the sweep measured. */
export interface RawSweepFigures {
  readonly layouts: readonly RawLayoutFigures[];
  /** The highest texts/s of all layouts and batch sizes: the ceiling. */
  readonly best: RawPoint & RawLayout;
  /** Token ids per text (special tokens included). */
  readonly idsPerText: number;
  /** Texts per second the encoder (tokenizer or featurizer) alone manages on one core. */
  readonly encodeTextsPerSecond: number;
}

/**
 * Processes that run onnxruntime alone over pre-encoded texts: no queue, no batcher, no tokenizer
 * in the timed loop. Its processes run each step at the same time and their texts/s add up, as
 * worker processes' would. Between steps they sleep, so a pool can stay up beside other work and
 * measure the ceiling again right before and after it.
 */
export class RawPool {
  private constructor(
    readonly layout: RawLayout,
    private readonly processes: readonly ServiceProcess[],
    readonly idsPerText: number,
    readonly encodeTextsPerSecond: number,
    private readonly unregister: () => void,
  ) {}

  /** Starts the layout's processes on `modelDir` and hands them the texts (encoded once, untimed). */
  static async start(modelDir: string, layout: RawLayout, texts: readonly string[]): Promise<RawPool> {
    const processes: ServiceProcess[] = [];
    const stop = async () => {
      await Promise.all(processes.map((p) => p.stop(2_000)));
    };
    const unregister = onInterrupt(stop);
    try {
      const starts = await Promise.allSettled(
        Array.from({ length: layout.processes }, () =>
          ServiceProcess.start(RAW_ENTRY, { RAW_MODEL_DIR: modelDir, RAW_THREADS: String(layout.threads) }),
        ),
      );
      for (const s of starts) if (s.status === 'fulfilled') processes.push(s.value);
      const failed = starts.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      const encoded = await Promise.all(processes.map((p) => ask(p, { type: 'texts', texts }, 'encoded')));
      return new RawPool(
        layout,
        processes,
        encoded[0]!.idsPerText,
        encoded[0]!.encodeTextsPerSecond,
        unregister,
      );
    } catch (err) {
      await stop();
      unregister();
      throw err;
    }
  }

  /** Runs batches of `batch` texts for `seconds` in every process at once. */
  async step(batch: number, seconds: number): Promise<RawPoint> {
    const steps = await Promise.all(
      this.processes.map((p) => ask(p, { type: 'step', batch, seconds, minRuns: 3, warmRuns: 2 }, 'step')),
    );
    const texts = steps.reduce((sum, s) => sum + s.texts, 0);
    return {
      batch,
      textsPerSecond: steps.reduce((sum, s) => sum + s.texts / s.seconds, 0),
      runMsP50: percentile(steps[0]!.runMs, 50),
      cpuMsPerText: steps.reduce((sum, s) => sum + s.cpuMs, 0) / texts,
    };
  }

  /** Resident memory of the first process, bytes. */
  async rssBytes(): Promise<number | null> {
    return (await processMemory(this.processes[0]!.child.pid ?? -1))?.rssBytes ?? null;
  }

  /** Stops the processes. */
  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop(2_000)));
    this.unregister();
  }
}

/** What to sweep. */
export interface RawSweepSpec {
  readonly modelDir: string;
  readonly texts: readonly string[];
  readonly layouts: readonly RawLayout[];
  readonly batches: readonly number[];
  readonly stepSeconds: number;
  readonly onProgress?: (line: string) => void;
}

/** onnxruntime alone at each batch size in each layout; the best of all is the ceiling. */
export async function rawSweep(spec: RawSweepSpec): Promise<RawSweepFigures> {
  const layouts: RawLayoutFigures[] = [];
  let idsPerText = Number.NaN;
  let encodeTextsPerSecond = Number.NaN;
  for (const layout of spec.layouts) {
    const pool = await RawPool.start(spec.modelDir, layout, spec.texts);
    try {
      idsPerText = pool.idsPerText;
      encodeTextsPerSecond = pool.encodeTextsPerSecond;
      const points: RawPoint[] = [];
      for (const batch of spec.batches) {
        spec.onProgress?.(`${layout.processes} × ${layout.threads} thread(s), batch ${batch}`);
        points.push(await pool.step(batch, spec.stepSeconds));
      }
      const best = points.reduce((a, b) => (b.textsPerSecond > a.textsPerSecond ? b : a));
      layouts.push({ ...layout, points, best, rssBytes: await pool.rssBytes() });
    } finally {
      await pool.close();
    }
  }
  const best = layouts
    .map((l) => ({ ...l.best, processes: l.processes, threads: l.threads }))
    .reduce((a, b) => (b.textsPerSecond > a.textsPerSecond ? b : a));
  return { layouts, best, idsPerText, encodeTextsPerSecond };
}

/** Sends a request and resolves with the process's next reply of `type`. */
function ask<T extends RawReply['type']>(
  service: ServiceProcess,
  request: RawRequest,
  type: T,
): Promise<Extract<RawReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: RawReply) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message as Extract<RawReply, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`raw onnxruntime process exited (code ${code}):\n${service.output}`));
    };
    const cleanup = () => {
      service.child.off('message', onMessage);
      service.child.off('exit', onExit);
    };
    service.child.on('message', onMessage);
    service.child.once('exit', onExit);
    service.child.send(request);
  });
}
