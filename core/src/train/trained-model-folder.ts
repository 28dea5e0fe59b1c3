import { basename } from 'node:path';
import { InputError } from '../errors.js';
import type { SwitchboardSpec } from '../model/model-spec.js';
import { writeModelFolder } from '../model/write-model-folder.js';
import type { FastTextModel } from './fasttext-trainer.js';
import type { ClassificationMetrics } from './metrics.js';
import type { LabelledData } from './tsv-data.js';

/** What a person says about a trained model, beside what training itself knows. */
export interface TrainedModelInfo {
  /** Default `0.1.0`. */
  readonly version?: string;
  readonly description?: string;
  /** Labels that channels should flag (e.g. `offensive`, `spam`); each must be a model label. */
  readonly alertLabels?: readonly string[];
  /** The data the model was trained on, recorded in the `training` block. */
  readonly train: LabelledData;
  readonly dev?: LabelledData;
}

/** Dev figures as stored in `switchboard.json` (snake_case like the rest of the file). */
export function metricsRecord(m: ClassificationMetrics): Record<string, unknown> {
  return {
    examples: m.examples,
    accuracy: round(m.accuracy),
    macro_f1: round(m.macroF1),
    labels: Object.fromEntries(
      Object.entries(m.perLabel).map(([label, v]) => [
        label,
        { precision: round(v.precision), recall: round(v.recall), f1: round(v.f1), support: v.support },
      ]),
    ),
    confusion: m.confusion,
  };
}

/**
 * The `switchboard.json` of a trained model: version, description, input limit, alert labels, the
 * featurizer block the runtime rebuilds the ids with, and a `training` block recording the
 * hyper-parameters, the data files and the dev figures, so the model can be retrained and judged.
 */
export function trainedModelSpec(model: FastTextModel, info: TrainedModelInfo): Partial<SwitchboardSpec> {
  const o = model.options;
  const alertLabels = [...(info.alertLabels ?? [])];
  for (const label of alertLabels) {
    if (!model.labels.includes(label)) {
      throw new InputError(
        `alert label "${label}" is not one of the model's labels (${model.labels.join(', ')})`,
      );
    }
  }
  const dev = model.dev;
  return {
    version: info.version ?? '0.1.0',
    description: info.description ?? '',
    max_input_tokens: o.maxInputTokens,
    alert_labels: alertLabels,
    featurizer: model.featurizer,
    training: {
      trainer: 'switchboard-fasttext',
      epochs: o.epochs,
      dim: o.dim,
      lr: o.lr,
      buckets: o.buckets,
      word_ngrams: o.wordNgrams,
      char_ngrams: o.charNgrams,
      lowercase: o.lowercase,
      pooling: o.pooling,
      class_weights: o.classWeights,
      seed: o.seed,
      ...(o.averageEpochs > 0 ? { average_epochs: o.averageEpochs } : {}),
      train_file: info.train.file,
      train_examples: info.train.examples.length,
      ...(info.dev ? { dev_file: info.dev.file, dev_examples: info.dev.examples.length } : {}),
      ...(o.pretrained ? { pretrained: pretrainedRecord(model) } : {}),
      final_train_loss: round(model.history.at(-1)?.loss ?? Number.NaN),
      ...(dev ? { dev: metricsRecord(dev) } : {}),
    },
  };
}

/**
 * Writes a trained model as a folder Switchboard loads (`config.json`, `switchboard.json`,
 * `model.onnx`); see {@link trainedModelSpec} for what `switchboard.json` records.
 */
export async function writeTrainedModel(
  dir: string,
  model: FastTextModel,
  info: TrainedModelInfo,
): Promise<void> {
  await writeModelFolder(dir, {
    labels: model.labels,
    onnx: model.toOnnx(),
    spec: trainedModelSpec(model, info),
    config: { problem_type: 'single_label_classification' },
  });
}

/** Which vectors a model started from and how, enough to fetch the same file and retrain. */
function pretrainedRecord(model: FastTextModel): Record<string, unknown> {
  const init = model.options.pretrained!;
  const v = init.vectors;
  return {
    file: basename(v.file),
    sha256: v.sha256,
    dim: v.dim,
    vectors_in_file: v.total,
    ...(v.top === undefined ? {} : { top: v.top }),
    vectors_kept: v.words.length,
    rows_initialised: model.pretrained?.rows ?? 0,
    projection: model.pretrained?.projection ?? 'copy',
    norm: init.norm,
    lr_scale: init.lrScale,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
