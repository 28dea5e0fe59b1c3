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
> & {
  /** Every usable version, oldest first (one for a single-folder model). */
  readonly versions?: readonly VersionSummary[];
};

/** One version of a model in the list. */
export type VersionSummary = Omit<ModelSummary, 'name' | 'versions'> & {
  /** The version a bare name runs on. */
  readonly isDefault: boolean;
};

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
      /** Every usable version, oldest first; `version` above is the default. */
      readonly versions: readonly {
        readonly version: string;
        readonly default: boolean;
        readonly labels: readonly string[];
        readonly encoder: 'tokenizer' | 'featurizer';
        readonly sizeBytes: number;
        readonly description: string;
      }[];
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
        versions: versionsOf(m).map((v) => ({
          version: v.version,
          default: v.isDefault,
          labels: v.labels,
          encoder: v.encoderKind,
          sizeBytes: v.sizeBytes,
          description: v.description,
        })),
      }),
    ),
    ...broken.map(
      (b): ModelListEntry => ({ name: b.name, status: 'broken', file: b.error.file, error: b.error.message }),
    ),
  ];
}

const MAX_LABELS_SHOWN = 4;
const HEADER = ['NAME', 'LABELS', 'VERSION', 'ENCODER', 'SIZE', 'DESCRIPTION'];

function versionsOf(m: ModelSummary): readonly VersionSummary[] {
  return m.versions ?? [{ ...m, isDefault: true }];
}

/**
 * An aligned table with one row per version (the default one marked), then the broken folders
 * with their error.
 */
export function modelListTable(models: readonly ModelSummary[], broken: readonly BrokenSummary[]): string {
  const out: string[] = [];
  if (models.length > 0) {
    const rows = models.flatMap((m) => {
      const versions = versionsOf(m);
      return versions.map((v) => [
        m.name,
        compactLabels(v.labels),
        versions.length > 1 && v.isDefault ? `${v.version} (default)` : v.version,
        v.encoderKind,
        formatBytes(v.sizeBytes),
        oneLine(v.description),
      ]);
    });
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
