import { InputError, ModelCatalog, modelsDir, SwitchboardError } from '@switchboard/core';
import type { Command } from 'commander';
import type { ClassifyBackend } from '../classify-backend.js';
import { createHumanFormatter, toJsonLine } from '../format-result.js';
import { MAX_TEXT_CHARS, MAX_TEXTS, readTexts, type TextSource } from '../read-texts.js';

/** The model `classify` uses when neither `--model` nor `SWITCHBOARD_DEFAULT_MODEL` names one. */
export const DEFAULT_MODEL = 'sentiment';

/** The default model: `SWITCHBOARD_DEFAULT_MODEL`, else {@link DEFAULT_MODEL}. */
export function defaultModel(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SWITCHBOARD_DEFAULT_MODEL?.trim();
  return fromEnv && fromEnv.length > 0 ? fromEnv : DEFAULT_MODEL;
}

/** Options of `switchboard classify`, as commander parses them. */
export interface ClassifyOptions {
  model?: string;
  file?: string;
  json?: boolean;
  modelsDir?: string;
  queue?: boolean;
  timeout?: string;
  server?: string;
  apiKey?: string;
}

// Texts per backend call: results are printed as each chunk finishes, so long inputs show progress
// and memory holds one chunk of results at a time.
const CHUNK = 256;

const HELP = `
Input:
  A text argument is one text. With no argument (or "-") texts are read from stdin, and with
  --file from a file: one text per line, UTF-8, blank lines skipped. At most ${MAX_TEXTS} texts and
  ${MAX_TEXT_CHARS} characters per text: more is refused with the line named. Binary input (NUL
  bytes, invalid UTF-8) is refused too.

Output:
  One line per text, in input order: the top label and its score, the other labels, and
  "(truncated)" when the model read only the start of a long text. With several texts each line
  ends with the start of its text.
  With --json, JSON Lines on stdout, one object per text:
    {"text": "...", "label": "positive", "score": 0.93,
     "labels": [{"label": "positive", "score": 0.93}, ...],   (every label, highest first)
     "truncated": false, "model": "sentiment", "version": "1.0.0"}

The model runs in this process: no Redis or server needed. With --queue the texts go through the
Redis queue (REDIS_URL, default redis://127.0.0.1:6379) to running workers (\`switchboard worker\`
or \`switchboard start\`), 64 texts per job, like every other channel; exit code 4 when Redis or
the workers do not answer in time. With --server URL they go to a Switchboard HTTP API instead
(POST /v1/classify; the key from --api-key or, better since it stays out of \`ps\`, the
SWITCHBOARD_API_KEY environment variable); exit code 2 for a refused key, 4 when the server is
unreachable, overloaded or slow.

Exit codes: 0 ok, 2 bad input or unknown model, 3 broken model folder, 4 queue unreachable or
timed out, 1 unexpected failure.

Examples:
  $ pnpm switchboard classify "I love this"
  $ pnpm switchboard classify --model spam --json < messages.txt
  $ pnpm switchboard classify --file reviews.txt
  $ SWITCHBOARD_API_KEY=... pnpm switchboard classify --server http://127.0.0.1:8080 "I love this"
`;

/** Registers `switchboard classify`. */
export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description('Classify texts with a model (top label, score and the other labels).')
    .argument('[text]', 'the text to classify; omit it or give "-" to read stdin, one text per line')
    .option(
      '-m, --model <name>',
      `model to use (default: $SWITCHBOARD_DEFAULT_MODEL, else "${DEFAULT_MODEL}")`,
    )
    .option('-f, --file <path>', 'read texts from a file, one per line')
    .option('--json', 'print JSON Lines, one object per text (see below)')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .option('--queue', 'classify through the Redis queue and the running workers instead of in-process')
    .option('--timeout <ms>', 'with --queue or --server: longest wait for each job', '30000')
    .option('--server <url>', 'classify through a Switchboard HTTP server instead of in-process')
    .option('--api-key <key>', 'with --server: API key (default: $SWITCHBOARD_API_KEY)')
    .addHelpText('after', HELP)
    .action(async (text: string | undefined, options: ClassifyOptions) => {
      await runClassify(text, options);
    });
}

async function runClassify(text: string | undefined, options: ClassifyOptions): Promise<void> {
  const source = textSource(text, options.file);
  const backend = await openBackend(options);
  try {
    await backend.check();
    if (source.kind === 'stdin' && process.stdin.isTTY) {
      process.stderr.write('Reading texts from stdin, one per line; end with Ctrl-D.\n');
    }
    const { texts } = await readTexts(source);
    exitQuietlyOnClosedPipe();
    let human: ReturnType<typeof createHumanFormatter> | undefined;
    for (let start = 0; start < texts.length; start += CHUNK) {
      const chunk = texts.slice(start, start + CHUNK);
      const batch = await backend.classify(chunk);
      if (batch.results.length !== chunk.length) {
        throw new SwitchboardError(
          'inference_failed',
          `model ${batch.model} answered ${batch.results.length} results for ${chunk.length} texts`,
        );
      }
      human ??= createHumanFormatter(
        batch.results[0]!.labels.map((l) => l.label),
        texts.length > 1,
      );
      const format = human;
      const lines = chunk.map((t, i) => {
        const result = batch.results[i]!;
        return options.json
          ? JSON.stringify(toJsonLine(t, result, batch.model, batch.version))
          : format(t, result);
      });
      await write(`${lines.join('\n')}\n`);
    }
  } finally {
    await backend.close();
  }
}

/**
 * Chooses where texts are classified: in this process (default) or through the Redis queue
 * (`--queue`). Another backend is picked here and nothing else in the command changes.
 */
async function openBackend(options: ClassifyOptions): Promise<ClassifyBackend> {
  const model = options.model ?? defaultModel();
  const dir = options.modelsDir ?? modelsDir();
  if (options.server !== undefined) {
    if (options.queue) throw new InputError('Give either --server or --queue, not both.');
    const { ServerBackend } = await import('../server-backend.js');
    const apiKey = options.apiKey ?? process.env.SWITCHBOARD_API_KEY;
    return new ServerBackend({ url: options.server, apiKey, timeoutMs: timeoutOption(options) }, model);
  }
  if (options.queue) {
    const timeoutMs = timeoutOption(options);
    const { QueueBackend } = await import('../queue-backend.js');
    return new QueueBackend(new ModelCatalog(dir), model, timeoutMs);
  }
  // Imported lazily: it loads onnxruntime, which other commands must not pay for.
  const { InProcessBackend } = await import('../in-process-backend.js');
  return new InProcessBackend(dir, model);
}

function timeoutOption(options: ClassifyOptions): number {
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new InputError('--timeout must be a positive number of ms');
  return timeoutMs;
}

function textSource(text: string | undefined, file: string | undefined): TextSource {
  if (file !== undefined) {
    if (text !== undefined) {
      throw new InputError('Give either a text argument or --file, not both.');
    }
    return { kind: 'file', path: file };
  }
  if (text === undefined || text === '-') return { kind: 'stdin' };
  return { kind: 'argument', text };
}

function write(data: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(data)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

// `switchboard classify ... | head` closes the pipe early; that is not an error worth a stack trace.
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
