import type { EncodedText, TextClassification } from '@switchboard/core';

/** When a batch is sent to the model. */
export interface MicroBatcherOptions {
  /** Most texts in one run. */
  maxBatch: number;
  /** Most padded tokens in one run (texts × longest text); bounds memory with long inputs. */
  maxTokens: number;
  /** Longest a text waits for company before its batch runs, in ms. */
  maxWaitMs: number;
}

/** What the batcher reports after each run, for metrics. */
export interface BatchReport {
  /** Texts in the run. */
  size: number;
  /** Padded width of the run. */
  width: number;
  /** Wall time of the run in ms. */
  ms: number;
}

interface Pending {
  readonly encoded: EncodedText;
  readonly slot: Slot;
  readonly index: number;
  readonly at: number;
}

interface Slot {
  readonly results: TextClassification[];
  remaining: number;
  readonly resolve: (r: TextClassification[]) => void;
  readonly reject: (e: unknown) => void;
  failed: boolean;
}

/**
 * Packs the texts of many jobs for one model into few onnxruntime runs. A run starts when
 * `maxBatch` texts or `maxTokens` padded tokens are waiting, or when the oldest waiting text has
 * waited `maxWaitMs`; one run is in flight at a time (the session is sequential anyway), and texts
 * that arrive meanwhile form the next batch. Results are split back to each submitter.
 */
export class MicroBatcher {
  private readonly run: (batch: readonly EncodedText[]) => Promise<TextClassification[]>;
  private readonly options: MicroBatcherOptions;
  private readonly onBatch: ((report: BatchReport) => void) | undefined;
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    run: (batch: readonly EncodedText[]) => Promise<TextClassification[]>,
    options: MicroBatcherOptions,
    onBatch?: (report: BatchReport) => void,
  ) {
    if (options.maxBatch < 1) throw new RangeError('maxBatch must be at least 1');
    this.run = run;
    this.options = options;
    this.onBatch = onBatch;
  }

  /** Texts waiting for a run. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Classifies one job's encoded texts; resolves in the same order once all of its runs are done. */
  submit(encoded: readonly EncodedText[]): Promise<TextClassification[]> {
    if (encoded.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const slot: Slot = {
        results: new Array(encoded.length),
        remaining: encoded.length,
        resolve,
        reject,
        failed: false,
      };
      const at = Date.now();
      encoded.forEach((e, index) => {
        this.queue.push({ encoded: e, slot, index, at });
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const due = this.queue[0]!.at + this.options.maxWaitMs - Date.now();
    if (this.full() || due <= 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, due);
    }
  }

  private full(): boolean {
    if (this.queue.length >= this.options.maxBatch) return true;
    let width = 0;
    for (const p of this.queue) width = Math.max(width, p.encoded.ids.length);
    return width * this.queue.length >= this.options.maxTokens;
  }

  /** Takes texts from the head while the batch stays within size and padded-token budget. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let width = 0;
    while (batch.length < this.options.maxBatch && this.queue.length > 0) {
      const next = this.queue[0]!;
      const w = Math.max(width, next.encoded.ids.length, 1);
      if (batch.length > 0 && w * (batch.length + 1) > this.options.maxTokens) break;
      width = w;
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  private async flush(): Promise<void> {
    this.running = true;
    const batch = this.take();
    const started = performance.now();
    try {
      const results = await this.run(batch.map((p) => p.encoded));
      this.onBatch?.({
        size: batch.length,
        width: Math.max(1, ...batch.map((p) => p.encoded.ids.length)),
        ms: performance.now() - started,
      });
      batch.forEach((p, i) => {
        p.slot.results[p.index] = results[i]!;
        if (--p.slot.remaining === 0 && !p.slot.failed) p.slot.resolve(p.slot.results);
      });
    } catch (err) {
      for (const p of batch) {
        if (!p.slot.failed) {
          p.slot.failed = true;
          p.slot.reject(err);
        }
      }
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
