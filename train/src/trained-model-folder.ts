import { basename } from 'node:path';
import { formatSequenceVocabulary, InputError, type SwitchboardSpec } from '@switchboard/core';
import { BagCnnModel, SEQUENCE_VOCABULARY_FILE } from './bag-cnn-model.js';
import type { FastTextModel } from './fasttext-trainer.js';
import type { ClassificationMetrics } from './metrics.js';
import type { LabelledData } from './tsv-data.js';
import { writeModelFolder } from './write-model-folder.js';

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
  /** The vectors file the word CNN started from (name and SHA-256 are recorded). */
  readonly cnnVectors?: { readonly file: string; readonly sha256: string };
}

/** A model the trainer writes: the bag alone, or the bag and a word CNN. */
export type TrainedModel = FastTextModel | BagCnnModel;

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
export function trainedModelSpec(model: TrainedModel, info: TrainedModelInfo): Partial<SwitchboardSpec> {
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
      // File names only: a path would record the machine the model was trained on, not its data.
      train_file: basename(info.train.file),
      train_examples: info.train.examples.length,
      ...(info.dev ? { dev_file: basename(info.dev.file), dev_examples: info.dev.examples.length } : {}),
      ...(o.pretrained ? { pretrained: pretrainedRecord(model) } : {}),
      ...(model instanceof BagCnnModel ? { cnn: cnnRecord(model, info) } : {}),
      final_train_loss: round(lastBagLoss(model)),
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
  model: TrainedModel,
  info: TrainedModelInfo,
): Promise<void> {
  await writeModelFolder(dir, {
    labels: model.labels,
    onnx: model.toOnnx(),
    spec: trainedModelSpec(model, info),
    config: { problem_type: 'single_label_classification' },
    ...(model instanceof BagCnnModel
      ? { files: { [SEQUENCE_VOCABULARY_FILE]: formatSequenceVocabulary(model.vocabulary) } }
      : {}),
  });
}

/** The word CNN's settings, vocabulary and figures alone, for the `training` block. */
function cnnRecord(model: BagCnnModel, info: TrainedModelInfo): Record<string, unknown> {
  const o = model.cnnOptions;
  const v = model.vocabularyReport;
  const alone = model.history.at(-1)?.cnnDev;
  return {
    epochs: o.epochs,
    dim: o.dim,
    width: o.width,
    filters: o.filters,
    lr: o.lr,
    embedding_lr: o.embeddingLr,
    dropout: o.dropout,
    batch_size: o.batchSize,
    vocab_top: o.vocabTop,
    weight: o.weight,
    vocabulary_words: v.words,
    pretrained_rows: v.pretrainedRows,
    projection: v.projection,
    ...(info.cnnVectors
      ? { vectors: { file: basename(info.cnnVectors.file), sha256: info.cnnVectors.sha256 } }
      : {}),
    ...(alone ? { dev_alone: { accuracy: round(alone.accuracy), macro_f1: round(alone.macroF1) } } : {}),
  };
}

/** Training loss of the bag's last epoch (the CNN's epochs report their own). */
function lastBagLoss(model: TrainedModel): number {
  return model.history.filter((r) => r.stage === undefined).at(-1)?.loss ?? Number.NaN;
}

/** Which vectors a model started from and how, enough to fetch the same file and retrain. */
function pretrainedRecord(model: TrainedModel): Record<string, unknown> {
  const bag = model instanceof BagCnnModel ? model.bag : model;
  const init = bag.options.pretrained!;
  const v = init.vectors;
  return {
    file: basename(v.file),
    sha256: v.sha256,
    dim: v.dim,
    vectors_in_file: v.total,
    ...(v.top === undefined ? {} : { top: v.top }),
    vectors_kept: v.words.length,
    rows_initialised: bag.pretrained?.rows ?? 0,
    projection: bag.pretrained?.projection ?? 'copy',
    norm: init.norm,
    lr_scale: init.lrScale,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
