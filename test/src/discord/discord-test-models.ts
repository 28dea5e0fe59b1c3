import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchboardSpec } from '@switchboard/core';
import { buildEmbeddingBagModel, writeModelFolder } from '@switchboard/train';
import { bucketOf, CUE_FEATURIZER } from '../helpers/cue-model.js';

/** A word that pushes one label by `weight` (the mean over the text's words is what counts). */
interface Cue {
  readonly label: string;
  readonly weight: number;
}

/**
 * A model whose scores are known in advance: logits are the mean of the words' cue vectors plus a
 * bias of 1 on `fallback`. A text made of one cue word of weight w gets `sigmoid(w - 1)` on a
 * two-label model: weight 2 gives 73%; the same word beside a non-cue word gives 50%.
 */
async function writeCueModel(
  dir: string,
  labels: readonly string[],
  cues: Readonly<Record<string, Cue>>,
  fallback: string,
  spec: Partial<SwitchboardSpec>,
): Promise<void> {
  const classes = labels.length;
  const embedding = new Float32Array(CUE_FEATURIZER.buckets * classes);
  const used = new Map<number, string>();
  for (const [word, cue] of Object.entries(cues)) {
    const bucket = bucketOf(word);
    if (used.has(bucket)) throw new Error(`cue words "${used.get(bucket)}" and "${word}" share a bucket`);
    used.set(bucket, word);
    embedding[bucket * classes + labels.indexOf(cue.label)] = cue.weight;
  }
  const weight = new Float32Array(classes * classes);
  for (let i = 0; i < classes; i++) weight[i * classes + i] = 1;
  const bias = new Float32Array(classes);
  bias[labels.indexOf(fallback)] = 1;
  const onnx = buildEmbeddingBagModel({
    vocab: CUE_FEATURIZER.buckets,
    dim: classes,
    classes,
    embedding,
    weight,
    bias,
  });
  await writeModelFolder(dir, { labels, onnx, spec: { featurizer: CUE_FEATURIZER, ...spec } });
}

/** A temporary model repository with the three default models' names and labels. */
export interface DiscordTestModels {
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * Writes `sentiment` ("love" → positive, "hate" → negative), `toxicity` ("idiot" → offensive at
 * ~100%, "dumb" alone → offensive 73%, "quite dumb" → 50%; alert label `offensive`) and `spam`
 * ("prize" → spam; alert label `spam` with a 0.9 threshold in its switchboard.json).
 */
export async function createDiscordTestModels(): Promise<DiscordTestModels> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-discord-models-'));
  await writeCueModel(
    join(dir, 'sentiment'),
    ['negative', 'neutral', 'positive'],
    { love: { label: 'positive', weight: 30 }, hate: { label: 'negative', weight: 30 } },
    'neutral',
    { version: '1.2.3', description: 'Test sentiment' },
  );
  await writeCueModel(
    join(dir, 'toxicity'),
    ['not-offensive', 'offensive'],
    { idiot: { label: 'offensive', weight: 30 }, dumb: { label: 'offensive', weight: 2 } },
    'not-offensive',
    { version: '2.0.0', description: 'Test toxicity', alert_labels: ['offensive'] },
  );
  await writeCueModel(join(dir, 'spam'), ['ham', 'spam'], { prize: { label: 'spam', weight: 30 } }, 'ham', {
    version: '3.0.0',
    description: 'Test spam',
    alert_labels: ['spam'],
    thresholds: { spam: 0.9 },
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
