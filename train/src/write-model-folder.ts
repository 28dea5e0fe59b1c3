import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SwitchboardSpec } from '@switchboard/core';

/** What a model folder is made of when Switchboard writes one (trainer, tests, benchmarks). */
export interface ModelFolderContents {
  /** Labels in logit order. */
  readonly labels: readonly string[];
  /** The ONNX graph bytes, written as `model.onnx`. */
  readonly onnx: Uint8Array;
  /** `switchboard.json`; omit for a plain Hugging Face folder. */
  readonly spec?: Partial<SwitchboardSpec>;
  /** Extra `config.json` fields (problem_type, architectures...). */
  readonly config?: Record<string, unknown>;
  /** Extra files by relative name (e.g. `tokenizer.json`), written verbatim. */
  readonly files?: Record<string, string | Uint8Array>;
}

/** Writes a model folder in the Hugging Face layout Switchboard loads. */
export async function writeModelFolder(dir: string, contents: ModelFolderContents): Promise<void> {
  await mkdir(dir, { recursive: true });
  const id2label = Object.fromEntries(contents.labels.map((l, i) => [String(i), l]));
  const label2id = Object.fromEntries(contents.labels.map((l, i) => [l, i]));
  const config = { id2label, label2id, ...contents.config };
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  if (contents.spec)
    await writeFile(join(dir, 'switchboard.json'), `${JSON.stringify(contents.spec, null, 2)}\n`);
  await writeFile(join(dir, 'model.onnx'), contents.onnx);
  for (const [name, data] of Object.entries(contents.files ?? {})) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), data);
  }
}
