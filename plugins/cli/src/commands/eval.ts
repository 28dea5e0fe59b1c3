import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { InputError, ModelCatalog, type ModelManifest, modelsDir, readModelFolder } from '@switchboard/core';
import { computeMetrics, describeSkipped, metricsRecord, readLabelledTsv } from '@switchboard/train';
import type { Command } from 'commander';
import { formatMetrics } from '../format-metrics.js';

/** Options of `switchboard eval`, as commander parses them. */
export interface EvalCommandOptions {
  model: string;
  data: string;
  json?: boolean;
  modelsDir?: string;
}

const HELP = `
--model is a model folder path (anything that exists as a folder, e.g. models/sentiment or
./my-model), else the name of a model in the repository (--models-dir, $SWITCHBOARD_MODELS, or
models/). --data has the training format: a header line "label<TAB>text", then one example a line;
every label in it must be a label of the model.

The texts run through the same path as \`switchboard classify\` (featurizer or tokenizer, then
onnxruntime), and the top label of each is compared with the gold one.

Output: accuracy, macro-F1, precision/recall/F1/support per label and the confusion matrix. With
--json, one JSON object on stdout:
  {"model": "spam", "version": "1.0.0", "path": "/abs/models/spam", "data": "test.tsv",
   "examples": 557, "accuracy": 0.98, "macro_f1": 0.96,
   "labels": {"ham": {"precision": 0.99, "recall": 0.99, "f1": 0.99, "support": 485}, ...},
   "confusion": {"labels": ["ham", "spam"], "matrix": [[480, 5], [2, 70]]}, "skipped_lines": 0}

Exit codes: 0 ok, 2 unreadable or empty data, unknown model or labels the model does not know,
3 broken model folder, 1 unexpected failure.
`;

/** Registers `switchboard eval`. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('Evaluate a model on a label<TAB>text file: accuracy, macro-F1, per-label figures.')
    .requiredOption('-m, --model <name-or-path>', 'model folder path, or model name in the repository')
    .requiredOption('--data <file>', 'labelled data (label<TAB>text with a header line)')
    .option('--json', 'print one JSON object instead of tables')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .addHelpText('after', HELP)
    .action(async (options: EvalCommandOptions) => {
      await runEval(options);
    });
}

async function runEval(o: EvalCommandOptions): Promise<void> {
  const manifest = await resolveModel(o.model, o.modelsDir ?? modelsDir());
  const data = await readLabelledTsv(o.data);
  const skipped = describeSkipped(data);
  if (skipped) process.stderr.write(`warning: ${skipped}\n`);

  const index = new Map(manifest.labels.map((l, i) => [l, i]));
  const unknown = new Map<string, number>();
  for (const e of data.examples)
    if (!index.has(e.label) && !unknown.has(e.label)) unknown.set(e.label, e.line);
  if (unknown.size > 0) {
    const list = [...unknown].map(([label, line]) => `"${label}" (first at line ${line})`).join(', ');
    throw new InputError(
      `${o.data}: label(s) ${list} are not labels of model ${manifest.name}, which knows ` +
        `${manifest.labels.join(', ')}. Evaluate on data labelled with the model's labels.`,
    );
  }

  // Imported lazily so that a bad --data or --model fails fast without loading onnxruntime.
  const { OnnxClassifier } = await import('@switchboard/core/inference');
  const classifier = await OnnxClassifier.load(manifest, { batchSize: 64 });
  let predicted: number[];
  try {
    const results = await classifier.classify(data.examples.map((e) => e.text));
    predicted = results.map((r) => index.get(r.top.label)!);
  } finally {
    await classifier.close();
  }
  const gold = data.examples.map((e) => index.get(e.label)!);
  const metrics = computeMetrics(manifest.labels, gold, predicted);

  if (o.json) {
    const { labels, confusion, ...rest } = metricsRecord(metrics);
    const report = {
      model: manifest.name,
      version: manifest.version,
      path: manifest.dir,
      data: o.data,
      ...rest,
      labels,
      confusion: { labels: metrics.labels, matrix: confusion },
      skipped_lines: data.skipped.length,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(
    `model ${manifest.name} ${manifest.version} (${manifest.dir})\ndata  ${o.data}\n\n${formatMetrics(metrics)}`,
  );
}

/**
 * A model named on the command line: an existing folder path, else a name in the repository.
 * Something that looks like a path but is no folder gets a message about the path, not the name.
 */
async function resolveModel(nameOrPath: string, repository: string): Promise<ModelManifest> {
  const info = await stat(nameOrPath).catch(() => undefined);
  if (info?.isDirectory()) return readModelFolder(nameOrPath);
  const looksLikePath = isAbsolute(nameOrPath) || /[\\/]/.test(nameOrPath) || nameOrPath.startsWith('.');
  if (looksLikePath) {
    throw new InputError(
      `--model ${nameOrPath}: ${info ? 'is a file, not a model folder' : 'no such folder'}. ` +
        'Give a model folder path or the name of a model in the repository (see `switchboard models`).',
    );
  }
  return new ModelCatalog(repository).get(nameOrPath);
}
