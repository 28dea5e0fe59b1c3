import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSentences, seededRandom } from './sentence-generator.js';

/** The repository root (bench/src is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Texts to bench with, and where they came from (printed beside the figures). */
export interface BenchTexts {
  readonly texts: readonly string[];
  readonly source: string;
}

/**
 * Real texts from `../shared/data/<dataset>/dev.tsv` when it is there (shuffled, seeded), else
 * generated sentences of varying length.
 */
export async function loadBenchTexts(dataset: string, fallbackCount = 2000): Promise<BenchTexts> {
  const file = join(REPO_ROOT, '..', 'shared', 'data', dataset, 'dev.tsv');
  if (existsSync(file)) {
    // Header `label<TAB>text`; the text is everything after the first tab.
    const texts = (await readFile(file, 'utf8'))
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.includes('\t'))
      .map((line) => line.slice(line.indexOf('\t') + 1))
      .filter((text) => text.trim().length > 0);
    if (texts.length > 0) return { texts: shuffle(texts, 1), source: `${file} (${texts.length} texts)` };
  }
  return {
    texts: generateSentences(fallbackCount),
    source: `${fallbackCount} generated sentences (no ${file})`,
  };
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
