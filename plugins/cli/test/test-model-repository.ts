import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashedNgramFeaturizer } from '@switchboard/core';
import { buildEmbeddingBagModel, writeModelFolder } from '@switchboard/train';

/** Featurizer of the test models: words only, so a word's bucket is known exactly. */
export const FEATURIZER = {
  type: 'hashed-ngrams' as const,
  buckets: 4096,
  word_ngrams: 1,
  char_ngrams: null,
  lowercase: true,
};

/** Most words the sentiment test model reads; longer texts come back truncated. */
export const SENTIMENT_MAX_WORDS = 8;

/** The bucket of one word under {@link FEATURIZER}. */
export function bucketOf(word: string): number {
  const { ids } = new HashedNgramFeaturizer(FEATURIZER, 100).encode(word);
  if (ids.length !== 1) throw new Error(`"${word}" is not one word`);
  return ids[0]!;
}

/**
 * A softmax model whose answer is known in advance: each cue word's embedding points at one label
 * with weight 30, every other word at nothing, and the bias favours `fallback`. Identity classifier
 * weights make the mean embedding the logits themselves.
 */
async function writeCueModel(
  dir: string,
  labels: readonly string[],
  cues: Record<string, string>,
  fallback: string,
  spec: Record<string, unknown>,
): Promise<void> {
  const classes = labels.length;
  const embedding = new Float32Array(FEATURIZER.buckets * classes);
  const used = new Map<number, string>();
  for (const [word, label] of Object.entries(cues)) {
    const bucket = bucketOf(word);
    const clash = used.get(bucket);
    if (clash) throw new Error(`test words "${clash}" and "${word}" share bucket ${bucket}`);
    used.set(bucket, word);
    embedding[bucket * classes + labels.indexOf(label)] = 30;
  }
  const weight = new Float32Array(classes * classes);
  for (let i = 0; i < classes; i++) weight[i * classes + i] = 1;
  const bias = new Float32Array(classes);
  bias[labels.indexOf(fallback)] = 1;
  const onnx = buildEmbeddingBagModel({
    vocab: FEATURIZER.buckets,
    dim: classes,
    classes,
    embedding,
    weight,
    bias,
  });
  await writeModelFolder(dir, { labels, onnx, spec: { featurizer: FEATURIZER, ...spec } });
}

/**
 * Builds a model repository under `root`:
 * - `sentiment` (negative/neutral/positive): "love" → positive, "hate" → negative, else neutral;
 *   reads at most {@link SENTIMENT_MAX_WORDS} words.
 * - `spam` (ham/spam): "prize" → spam, else ham.
 * - `broken-config`: config.json is not JSON.
 * - `broken-onnx`: valid metadata, model.onnx is garbage.
 */
export async function buildTestRepository(root: string): Promise<void> {
  await writeCueModel(
    join(root, 'sentiment'),
    ['negative', 'neutral', 'positive'],
    { love: 'positive', hate: 'negative' },
    'neutral',
    { version: '1.2.3', description: 'Test sentiment model', max_input_tokens: SENTIMENT_MAX_WORDS },
  );
  await writeCueModel(join(root, 'spam'), ['ham', 'spam'], { prize: 'spam' }, 'ham', {
    version: '0.1.0',
    description: 'Test spam model',
  });
  await mkdir(join(root, 'broken-config'), { recursive: true });
  await writeFile(join(root, 'broken-config', 'config.json'), '{ "id2label": ');
  await writeModelFolder(join(root, 'broken-onnx'), {
    labels: ['a', 'b'],
    onnx: new TextEncoder().encode('this is not an onnx graph'),
    spec: { featurizer: FEATURIZER },
  });
}
