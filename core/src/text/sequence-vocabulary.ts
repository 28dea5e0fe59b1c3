import { ModelLoadError } from '../errors.js';

/**
 * Reads a featurizer's sequence vocabulary (`vocab.txt`): one word a line, as the featurizer
 * splits and normalises words; line N is id N. Refuses what would shift or merge ids: empty
 * lines, duplicates, and words with white space in them.
 * @throws ModelLoadError naming the file and line
 */
export function parseSequenceVocabulary(text: string, file: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new ModelLoadError(file, 'holds no words');
  const seen = new Map<string, number>();
  for (const [i, word] of lines.entries()) {
    const line = i + 1;
    if (word === '') throw new ModelLoadError(file, `line ${line} is empty`);
    if (/\s/u.test(word)) throw new ModelLoadError(file, `line ${line} holds white space ("${word}")`);
    const first = seen.get(word);
    if (first !== undefined) {
      throw new ModelLoadError(file, `line ${line} repeats "${word}" from line ${first}`);
    }
    seen.set(word, line);
  }
  return lines;
}

/** The text of a `vocab.txt` that {@link parseSequenceVocabulary} reads back as `words`. */
export function formatSequenceVocabulary(words: readonly string[]): string {
  return `${words.join('\n')}\n`;
}
