import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HashedNgramSpec } from '@switchboard/core';
import { buildEmbeddingBagModel, writeModelFolder } from '@switchboard/train';
import { seededRandom } from './sentence-generator.js';

/** The shipped trainer's featurizer settings, so the stand-in costs what a trained model costs. */
const FEATURIZER: HashedNgramSpec = {
  type: 'hashed-ngrams',
  buckets: 500_000,
  word_ngrams: 2,
  char_ngrams: [3, 5],
  lowercase: true,
};

/** A temporary model repository with one stand-in model. */
export interface StandInModel {
  /** Repository folder (`SWITCHBOARD_MODELS`). */
  readonly dir: string;
  /** Model name inside it. */
  readonly name: string;
  /** Deletes the folder. */
  remove(): Promise<void>;
}

/**
 * Writes a model with the shape and size of the trained sentiment model (hashed n-grams, 500,000
 * buckets × 8 dimensions, two labels) and seeded random weights. Its labels mean nothing: it stands
 * in only for timing, when the real model has not been trained yet.
 */
export async function writeStandInModel(name: string): Promise<StandInModel> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-model-'));
  const dim = 8;
  const labels = ['negative', 'positive'];
  const random = seededRandom(7);
  const embedding = new Float32Array(FEATURIZER.buckets * dim).map(() => random() - 0.5);
  const weight = new Float32Array(dim * labels.length).map(() => random() - 0.5);
  const onnx = buildEmbeddingBagModel({
    vocab: FEATURIZER.buckets,
    dim,
    classes: labels.length,
    embedding,
    weight,
    bias: new Float32Array(labels.length),
  });
  await writeModelFolder(join(dir, name), {
    labels,
    onnx,
    spec: {
      version: '0.0.0-stand-in',
      description: 'Random weights with the trained model’s shape, for benchmarks only.',
      featurizer: FEATURIZER,
    },
  });
  return { dir, name, remove: () => rm(dir, { recursive: true, force: true }) };
}
