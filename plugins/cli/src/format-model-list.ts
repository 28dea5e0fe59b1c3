import type { ModelManifest } from '@switchboard/core';
import { formatBytes } from './format-bytes.js';

/** What the list shows of a model: its manifest, or a server's description of it (`--server`). */
export type ModelSummary = Pick<
  ModelManifest,
  | 'name'
  | 'labels'
  | 'multiLabel'
  | 'version'
  | 'encoderKind'
  | 'maxInputTokens'
  | 'sizeBytes'
  | 'description'
>;

/** What the list shows of a folder that fails to load (a `BrokenModel` is one). */
export interface BrokenSummary {
  readonly name: string;
  readonly error: { readonly file: string; readonly message: string };
}

/** One element of `switchboard models --json`: a usable model, or a folder that fails to load. */
export type ModelListEntry =
  | {
      readonly name: string;
      readonly status: 'ok';
      readonly labels: readonly string[];
      readonly multiLabel: boolean;
      readonly version: string;
      readonly encoder: 'tokenizer' | 'featurizer';
      readonly maxInputTokens: number;
      readonly sizeBytes: number;
      readonly description: string;
    }
  | { readonly name: string; readonly status: 'broken'; readonly file: string; readonly error: string };

/** The `--json` array: usable models first, then broken folders, each group sorted by name. */
export function modelListJson(
  models: readonly ModelSummary[],
  broken: readonly BrokenSummary[],
): ModelListEntry[] {
  return [
    ...models.map(
      (m): ModelListEntry => ({
        name: m.name,
        status: 'ok',
        labels: m.labels,
        multiLabel: m.multiLabel,
        version: m.version,
        encoder: m.encoderKind,
        maxInputTokens: m.maxInputTokens,
        sizeBytes: m.sizeBytes,
        description: m.description,
      }),
    ),
    ...broken.map(
      (b): ModelListEntry => ({ name: b.name, status: 'broken', file: b.error.file, error: b.error.message }),
    ),
  ];
}

const MAX_LABELS_SHOWN = 4;
const HEADER = ['NAME', 'LABELS', 'VERSION', 'ENCODER', 'SIZE', 'DESCRIPTION'];

/** An aligned table of the usable models, then the broken folders with their error. */
export function modelListTable(models: readonly ModelSummary[], broken: readonly BrokenSummary[]): string {
  const out: string[] = [];
  if (models.length > 0) {
    const rows = models.map((m) => [
      m.name,
      compactLabels(m.labels),
      m.version,
      m.encoderKind,
      formatBytes(m.sizeBytes),
      oneLine(m.description),
    ]);
    out.push(...alignColumns([HEADER, ...rows]));
  }
  if (broken.length > 0) {
    if (out.length > 0) out.push('');
    out.push('Broken model folders (fix or remove them):');
    out.push(...alignColumns(broken.map((b) => [b.name, oneLine(b.error.message)])).map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

function compactLabels(labels: readonly string[]): string {
  const shown = labels.slice(0, MAX_LABELS_SHOWN).join(', ');
  return labels.length > MAX_LABELS_SHOWN ? `${shown}, +${labels.length - MAX_LABELS_SHOWN} more` : shown;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// Pads every column but the last to its widest cell, two spaces apart.
function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
}
