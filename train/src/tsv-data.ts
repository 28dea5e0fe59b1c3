import { readFile } from 'node:fs/promises';
import { InputError } from '@switchboard/core';

/** One labelled example of a training or evaluation file. */
export interface LabelledExample {
  readonly label: string;
  readonly text: string;
  /** 1-based line number in the file, for messages. */
  readonly line: number;
}

/** A line that was not an example, and why. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

/** The examples of one `label<TAB>text` file and the lines that had to be skipped. */
export interface LabelledData {
  /** The file the examples came from (as given), for messages and the model card. */
  readonly file: string;
  readonly examples: readonly LabelledExample[];
  readonly skipped: readonly SkippedLine[];
}

const HEADER = 'label\ttext';

/**
 * Parses a `label<TAB>text` file: a header line `label<TAB>text`, then one example a line. Blank
 * lines are ignored; a line without a tab, with an empty label or with an empty text is skipped
 * and reported in `skipped`. A text that itself holds tabs keeps them as spaces, since only the
 * first tab separates the columns.
 * @throws InputError when the header is missing or no line is a usable example
 */
export function parseLabelledTsv(content: string, file: string): LabelledData {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase() ?? '';
  if (header !== HEADER) {
    const found =
      lines[0] === undefined || lines[0] === '' ? 'an empty line' : JSON.stringify(lines[0].slice(0, 60));
    throw new InputError(
      `${file}:1: expected the header line "label<TAB>text", found ${found}. ` +
        'Put that header first, then one "label<TAB>text" example a line.',
    );
  }
  const examples: LabelledExample[] = [];
  const skipped: SkippedLine[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (raw.trim() === '') continue;
    const tab = raw.indexOf('\t');
    if (tab < 0) {
      skipped.push({ line, reason: 'no tab between label and text' });
      continue;
    }
    const label = raw.slice(0, tab).trim();
    const text = raw
      .slice(tab + 1)
      .replaceAll('\t', ' ')
      .trim();
    if (label === '') skipped.push({ line, reason: 'empty label' });
    else if (text === '') skipped.push({ line, reason: 'empty text' });
    else examples.push({ label, text, line });
  }
  if (examples.length === 0) {
    const why =
      skipped.length > 0
        ? ` (${skipped.length} malformed line(s), first at line ${skipped[0]!.line}: ${skipped[0]!.reason})`
        : '';
    throw new InputError(
      `${file}: holds no examples${why}. Add lines of the form "label<TAB>text" after the header.`,
    );
  }
  return { file, examples, skipped };
}

/**
 * Reads and parses a `label<TAB>text` file (see {@link parseLabelledTsv}).
 * @throws InputError naming the file when it cannot be read or holds no examples
 */
export async function readLabelledTsv(file: string): Promise<LabelledData> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, expected a .tsv file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (err as Error).message;
    throw new InputError(`${file}: cannot read the data file (${why}).`);
  }
  return parseLabelledTsv(content, file);
}

/** Sorted distinct labels of one or more data sets. */
export function labelsOf(...sets: readonly LabelledData[]): string[] {
  const labels = new Set<string>();
  for (const set of sets) for (const e of set.examples) labels.add(e.label);
  return [...labels].sort();
}

/** Short human summary of skipped lines (first few with their reasons), or '' when none. */
export function describeSkipped(data: LabelledData, shown = 5): string {
  if (data.skipped.length === 0) return '';
  const first = data.skipped
    .slice(0, shown)
    .map((s) => `${data.file}:${s.line}: ${s.reason}`)
    .join('\n  ');
  const more = data.skipped.length > shown ? `\n  ... and ${data.skipped.length - shown} more` : '';
  return `skipped ${data.skipped.length} malformed line(s):\n  ${first}${more}`;
}
