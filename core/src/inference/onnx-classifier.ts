import * as ort from 'onnxruntime-node';
import { ModelLoadError, SwitchboardError } from '../errors.js';
import { createEncoder, type ModelManifest } from '../model/model-folder.js';
import type { EncodedText, InputEncoder } from '../text/input-encoder.js';
import { scoreLogits, type TextClassification } from './label-scores.js';
import { logitsAsFloat32 } from './logits-data.js';

/** onnxruntime session settings. */
export interface ClassifierOptions {
  /** Threads one run may use (onnxruntime intra-op); 0 lets onnxruntime decide. Default 1. */
  intraOpThreads?: number;
  /** Graph optimisation level. Default `all`. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Texts per onnxruntime run in {@link OnnxClassifier.classify}. Default 32. */
  batchSize?: number;
}

const REQUIRED_INPUTS = ['input_ids', 'attention_mask'] as const;
const OPTIONAL_INPUTS = new Set(['token_type_ids']);

/**
 * One model, one onnxruntime session: encode texts, pad each batch to its longest text, run, and
 * turn logits into ranked labels. Hugging Face folders and trained folders share this path.
 */
export class OnnxClassifier {
  readonly manifest: ModelManifest;
  readonly encoder: InputEncoder;
  private readonly session: ort.InferenceSession;
  private readonly idType: 'int64' | 'int32';
  private readonly wantsTokenTypes: boolean;
  private readonly logitsName: string;
  private readonly batchSize: number;
  private closed = false;

  private constructor(
    manifest: ModelManifest,
    encoder: InputEncoder,
    session: ort.InferenceSession,
    batchSize: number,
  ) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.session = session;
    this.batchSize = batchSize;
    const inputs = session.inputNames;
    const file = manifest.onnxPath;
    const missing = REQUIRED_INPUTS.filter((name) => !inputs.includes(name));
    if (missing.length > 0) {
      throw new ModelLoadError(
        file,
        `graph has no input ${missing.join(', ')} (it takes ${inputs.join(', ')})`,
      );
    }
    const unknown = inputs.filter(
      (n) => !OPTIONAL_INPUTS.has(n) && !(REQUIRED_INPUTS as readonly string[]).includes(n),
    );
    if (unknown.length > 0) {
      throw new ModelLoadError(file, `graph needs inputs Switchboard cannot give: ${unknown.join(', ')}`);
    }
    this.wantsTokenTypes = inputs.includes('token_type_ids');
    const meta = session.inputMetadata.find((m) => m.name === 'input_ids');
    const type = meta?.isTensor ? meta.type : 'int64';
    if (type !== 'int64' && type !== 'int32') {
      throw new ModelLoadError(file, `input_ids must be int64 or int32, the graph declares ${type}`);
    }
    this.idType = type;
    const outputs = session.outputNames;
    const logits = outputs.includes('logits') ? 'logits' : outputs.length === 1 ? outputs[0] : undefined;
    if (!logits)
      throw new ModelLoadError(file, `graph has no "logits" output (it gives ${outputs.join(', ')})`);
    this.logitsName = logits;
  }

  /**
   * Loads the folder's encoder and graph, checks that they fit together and warms the session up.
   * @throws ModelLoadError naming the file at fault
   */
  static async load(manifest: ModelManifest, options: ClassifierOptions = {}): Promise<OnnxClassifier> {
    const encoder = await createEncoder(manifest);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(manifest.onnxPath, {
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: options.graphOptimization ?? 'all',
        executionMode: 'sequential',
      });
    } catch (err) {
      throw new ModelLoadError(manifest.onnxPath, `not a usable ONNX model (${firstLine(err)})`, {
        cause: err,
      });
    }
    let classifier: OnnxClassifier;
    try {
      classifier = new OnnxClassifier(manifest, encoder, session, options.batchSize ?? 32);
      await classifier.warmUp();
    } catch (err) {
      await session.release();
      throw err;
    }
    return classifier;
  }

  /** Encodes texts without running the model (the worker's batcher uses token counts). */
  encode(texts: readonly string[]): EncodedText[] {
    return texts.map((t) => this.encoder.encode(t));
  }

  /** Classifies texts, `batchSize` at a time, each batch one onnxruntime run. */
  async classify(texts: readonly string[]): Promise<TextClassification[]> {
    const out: TextClassification[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = this.encode(texts.slice(i, i + this.batchSize));
      out.push(...(await this.run(batch)));
    }
    return out;
  }

  /** One onnxruntime run over already-encoded texts, padded to the longest of them. */
  async run(batch: readonly EncodedText[]): Promise<TextClassification[]> {
    if (this.closed) throw new SwitchboardError('inference_failed', `model ${this.manifest.name} is closed`);
    if (batch.length === 0) return [];
    // An empty text still needs one position so that the graph sees a valid shape; its mask is 0.
    const width = Math.max(1, ...batch.map((e) => e.ids.length));
    const size = batch.length * width;
    const big = this.idType === 'int64';
    const ids = big ? new BigInt64Array(size) : new Int32Array(size);
    const mask = big ? new BigInt64Array(size) : new Int32Array(size);
    const pad = big ? BigInt(this.encoder.padId) : this.encoder.padId;
    const one = big ? 1n : 1;
    for (let row = 0; row < batch.length; row++) {
      const rowIds = batch[row]!.ids;
      const base = row * width;
      for (let j = 0; j < width; j++) {
        if (j < rowIds.length) {
          ids[base + j] = big ? BigInt(rowIds[j]!) : rowIds[j]!;
          mask[base + j] = one;
        } else {
          ids[base + j] = pad;
        }
      }
    }
    const dims = [batch.length, width];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor(this.idType, ids, dims),
      attention_mask: new ort.Tensor(this.idType, mask, dims),
    };
    if (this.wantsTokenTypes) {
      feeds.token_type_ids = new ort.Tensor(
        this.idType,
        big ? new BigInt64Array(size) : new Int32Array(size),
        dims,
      );
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds, [this.logitsName]);
    } catch (err) {
      throw new SwitchboardError(
        'inference_failed',
        `model ${this.manifest.name} failed: ${firstLine(err)}`,
        {
          cause: err,
        },
      );
    }
    const logits = results[this.logitsName]!;
    const { labels, multiLabel } = this.manifest;
    const classes = logits.dims[logits.dims.length - 1];
    if (logits.dims.length !== 2 || logits.dims[0] !== batch.length || classes !== labels.length) {
      throw new ModelLoadError(
        this.manifest.onnxPath,
        `gives logits of shape [${logits.dims.join(', ')}] but config.json has ${labels.length} labels`,
      );
    }
    const data = logitsAsFloat32(logits, this.manifest.onnxPath);
    return batch.map((encoded, row) => {
      const ranked = scoreLogits(data, row * labels.length, labels, multiLabel);
      return { labels: ranked, top: ranked[0]!, truncated: encoded.truncated };
    });
  }

  /** Releases the onnxruntime session. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }

  private async warmUp(): Promise<void> {
    await this.run(this.encode(['Switchboard warm-up text.', '']));
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
