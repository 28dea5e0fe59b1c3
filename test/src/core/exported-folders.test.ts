import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HfTokenizerEncoder, readModelFolder } from '@switchboard/core';
import { OnnxClassifier, scoreLogits } from '@switchboard/core/inference';
import { makeTempDir, type TempDir } from '@switchboard/core/testing';
import {
  bertWordPieceFiles,
  buildMeanPoolModel,
  type MeanPoolModelOptions,
  meanPoolReferenceLogits,
  meanPoolWeights,
  robertaBpeFiles,
  type TokenizerFiles,
} from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Folders with the file sets and config files of real exports (optimum, transformers.js), with
// small graphs from the project's builder in place of the real weights.

let tmp: TempDir;
beforeAll(async () => {
  tmp = await makeTempDir('switchboard-exports-');
});
afterAll(async () => {
  await tmp.remove();
});

interface ExportFolder {
  readonly config: Record<string, unknown>;
  readonly tokenizer: TokenizerFiles;
  /** Graph file name → graph options. */
  readonly graphs: Record<string, MeanPoolModelOptions>;
  readonly extra?: Record<string, string>;
}

async function writeExport(name: string, folder: ExportFolder): Promise<string> {
  const dir = join(tmp.path, name);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(folder.config, null, 2));
  const files: Record<string, string | Uint8Array> = { ...folder.tokenizer, ...folder.extra };
  for (const [file, graph] of Object.entries(folder.graphs)) files[file] = buildMeanPoolModel(graph);
  for (const [file, data] of Object.entries(files)) await writeFile(join(dir, file), data);
  return dir;
}

function vocabSize(tokenizer: TokenizerFiles): number {
  const json = JSON.parse(tokenizer['tokenizer.json']) as { model: { vocab: Record<string, number> } };
  return Object.keys(json.model.vocab).length;
}

/** The scores the graph must give for `text`: ids from the tokenizer, logits in plain JavaScript. */
function expectedScores(
  tokenizer: TokenizerFiles,
  graph: MeanPoolModelOptions,
  labels: string[],
  multiLabel: boolean,
  text: string,
) {
  const encoder = new HfTokenizerEncoder(
    JSON.parse(tokenizer['tokenizer.json']) as object,
    JSON.parse(tokenizer['tokenizer_config.json']) as object,
    512,
  );
  const logits = meanPoolReferenceLogits(meanPoolWeights(graph), encoder.encode(text).ids);
  return scoreLogits(logits, 0, labels, multiLabel);
}

const TEXTS = ['I loved this movie, it was wonderful!', 'A boring and awful film.', 'free money click now'];

describe('distilbert-base-uncased-finetuned-sst-2-english exported by optimum', () => {
  const tokenizer = bertWordPieceFiles(512);
  const graph: MeanPoolModelOptions = { vocab: vocabSize(tokenizer), classes: 2, dim: 16, seed: 11 };
  const config = {
    _name_or_path: 'distilbert-base-uncased-finetuned-sst-2-english',
    activation: 'gelu',
    architectures: ['DistilBertForSequenceClassification'],
    attention_dropout: 0.1,
    dim: 768,
    dropout: 0.1,
    finetuning_task: 'sst-2',
    hidden_dim: 3072,
    id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
    initializer_range: 0.02,
    label2id: { NEGATIVE: 0, POSITIVE: 1 },
    max_position_embeddings: 512,
    model_type: 'distilbert',
    n_heads: 12,
    n_layers: 6,
    output_past: true,
    pad_token_id: 0,
    qa_dropout: 0.1,
    seq_classif_dropout: 0.2,
    sinusoidal_pos_embds: false,
    tie_weights_: true,
    transformers_version: '4.44.2',
    vocab_size: 30522,
  };

  it('loads model.onnx with its labels and 512 tokens, and classifies as the graph says', async () => {
    const dir = await writeExport('distilbert-sst2', {
      config,
      tokenizer,
      graphs: { 'model.onnx': graph },
      extra: {
        'special_tokens_map.json': JSON.stringify({
          cls_token: '[CLS]',
          mask_token: '[MASK]',
          pad_token: '[PAD]',
          sep_token: '[SEP]',
          unk_token: '[UNK]',
        }),
        'vocab.txt': '[PAD]\n[UNK]\n',
      },
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.onnxPath).toBe(join(dir, 'model.onnx'));
    expect(manifest.labels).toEqual(['NEGATIVE', 'POSITIVE']);
    expect(manifest.maxInputTokens).toBe(512);
    expect(manifest.warnings).toEqual([]);
    const classifier = await OnnxClassifier.load(manifest);
    try {
      const results = await classifier.classify(TEXTS);
      for (const [i, text] of TEXTS.entries()) {
        const expected = expectedScores(tokenizer, graph, manifest.labels.slice(), false, text);
        expect(results[i]!.labels.map((s) => s.label)).toEqual(expected.map((s) => s.label));
        for (const [j, s] of results[i]!.labels.entries()) expect(s.score).toBeCloseTo(expected[j]!.score, 5);
      }
    } finally {
      await classifier.close();
    }
  });
});

describe('a RoBERTa-family classifier', () => {
  const tokenizer = robertaBpeFiles(512);
  const graph: MeanPoolModelOptions = { vocab: vocabSize(tokenizer), classes: 3, dim: 8, seed: 5 };
  const labels = { '0': 'negative', '1': 'neutral', '2': 'positive' };

  it('reads max_position_embeddings - pad_token_id - 1 positions and truncates there', async () => {
    const dir = await writeExport('twitter-roberta-sentiment', {
      config: {
        architectures: ['RobertaForSequenceClassification'],
        model_type: 'roberta',
        id2label: labels,
        label2id: { negative: 0, neutral: 1, positive: 2 },
        max_position_embeddings: 514,
        pad_token_id: 1,
        bos_token_id: 0,
        eos_token_id: 2,
        type_vocab_size: 1,
        vocab_size: 50265,
      },
      // transformers writes 1e30 when the tokenizer has no limit of its own.
      tokenizer: {
        ...tokenizer,
        'tokenizer_config.json': tokenizer['tokenizer_config.json'].replace('512', '1e30'),
      },
      graphs: { 'model.onnx': graph },
      extra: { 'merges.txt': '#version: 0.2\n', 'vocab.json': '{}' },
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.maxInputTokens).toBe(512);
    const classifier = await OnnxClassifier.load(manifest);
    try {
      expect(classifier.encoder.padId).toBe(1);
      const [encoded] = classifier.encode(['the movie was great '.repeat(300)]);
      expect(encoded!.ids).toHaveLength(512);
      expect(encoded!.ids[0]).toBe(0);
      expect(encoded!.ids.at(-1)).toBe(2);
      const [short, long] = await classifier.classify([TEXTS[0]!, 'the movie was great '.repeat(300)]);
      expect(long!.truncated).toBe(true);
      const expected = expectedScores(tokenizer, graph, Object.values(labels), false, TEXTS[0]!);
      for (const [j, s] of short!.labels.entries()) expect(s.score).toBeCloseTo(expected[j]!.score, 5);
    } finally {
      await classifier.close();
    }
  });

  it('takes the smaller of model_max_length and the position table (xlm-roberta, camembert, bert)', async () => {
    const cases = [
      {
        model_type: 'xlm-roberta',
        max_position_embeddings: 514,
        pad_token_id: 1,
        maxLength: 1e30,
        want: 512,
      },
      { model_type: 'camembert', max_position_embeddings: 514, pad_token_id: 1, maxLength: 256, want: 256 },
      { model_type: 'bert', max_position_embeddings: 512, pad_token_id: 0, maxLength: 128, want: 128 },
      { model_type: 'bert', max_position_embeddings: 512, pad_token_id: 0, maxLength: 1e30, want: 512 },
    ];
    for (const [i, c] of cases.entries()) {
      const dir = await writeExport(`limit-${i}`, {
        config: {
          model_type: c.model_type,
          id2label: labels,
          max_position_embeddings: c.max_position_embeddings,
          pad_token_id: c.pad_token_id,
        },
        tokenizer: {
          ...tokenizer,
          'tokenizer_config.json': JSON.stringify({ model_max_length: c.maxLength }),
        },
        graphs: { 'model.onnx': graph },
      });
      expect((await readModelFolder(dir)).maxInputTokens, c.model_type).toBe(c.want);
    }
  });
});

describe('a multi-label classifier', () => {
  it('scores each label with a sigmoid', async () => {
    const tokenizer = bertWordPieceFiles(512);
    const graph: MeanPoolModelOptions = { vocab: vocabSize(tokenizer), classes: 4, dim: 8, seed: 3 };
    const names = ['toxic', 'insult', 'threat', 'obscene'];
    const dir = await writeExport('multi-label', {
      config: {
        architectures: ['BertForSequenceClassification'],
        model_type: 'bert',
        problem_type: 'multi_label_classification',
        id2label: Object.fromEntries(names.map((n, i) => [String(i), n])),
        label2id: Object.fromEntries(names.map((n, i) => [n, i])),
        max_position_embeddings: 512,
      },
      tokenizer,
      graphs: { 'model.onnx': graph },
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.multiLabel).toBe(true);
    const classifier = await OnnxClassifier.load(manifest);
    try {
      const [result] = await classifier.classify(['you idiot']);
      const expected = expectedScores(tokenizer, graph, names, true, 'you idiot');
      for (const [j, s] of result!.labels.entries()) {
        expect(s.label).toBe(expected[j]!.label);
        expect(s.score).toBeCloseTo(expected[j]!.score, 5);
      }
      const sum = result!.labels.reduce((a, s) => a + s.score, 0);
      expect(Math.abs(sum - 1)).toBeGreaterThan(0.05);
    } finally {
      await classifier.close();
    }
  });
});

describe('a transformers.js-style folder', () => {
  const tokenizer = bertWordPieceFiles(512);
  const graph: MeanPoolModelOptions = { vocab: vocabSize(tokenizer), classes: 2, dim: 8, seed: 9 };
  const config = {
    architectures: ['DistilBertForSequenceClassification'],
    model_type: 'distilbert',
    id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
    label2id: { NEGATIVE: 0, POSITIVE: 1 },
    max_position_embeddings: 512,
  };

  it('loads when onnx/model_quantized.onnx is the only graph', async () => {
    const dir = await writeExport('transformers-js', {
      config,
      tokenizer,
      graphs: { 'onnx/model_quantized.onnx': graph },
      extra: { 'quantize_config.json': JSON.stringify({ per_channel: true, reduce_range: true }) },
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.onnxPath).toBe(join(dir, 'onnx', 'model_quantized.onnx'));
    const classifier = await OnnxClassifier.load(manifest);
    try {
      const [result] = await classifier.classify([TEXTS[1]!]);
      const expected = expectedScores(tokenizer, graph, ['NEGATIVE', 'POSITIVE'], false, TEXTS[1]!);
      expect(result!.top.label).toBe(expected[0]!.label);
      expect(result!.top.score).toBeCloseTo(expected[0]!.score, 5);
    } finally {
      await classifier.close();
    }
  });

  it('reads fp16 logits of onnx/model_fp16.onnx correctly', async () => {
    const half: MeanPoolModelOptions = { ...graph, logitsType: 'float16' };
    const dir = await writeExport('fp16', { config, tokenizer, graphs: { 'onnx/model_fp16.onnx': half } });
    const manifest = await readModelFolder(dir);
    expect(manifest.onnxPath).toBe(join(dir, 'onnx', 'model_fp16.onnx'));
    const classifier = await OnnxClassifier.load(manifest);
    try {
      const results = await classifier.classify(TEXTS);
      for (const [i, text] of TEXTS.entries()) {
        const expected = expectedScores(tokenizer, graph, ['NEGATIVE', 'POSITIVE'], false, text);
        expect(results[i]!.top.label).toBe(expected[0]!.label);
        // fp16 keeps 11 significant bits: logits within ~1e-3 of fp32, probabilities closer still.
        expect(Math.abs(results[i]!.top.score - expected[0]!.score)).toBeLessThan(2e-3);
      }
    } finally {
      await classifier.close();
    }
  });
});
