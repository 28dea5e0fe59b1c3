import type { EncodedText, InputEncoder } from './input-encoder.js';

/**
 * The `featurizer` block of a trained model's `switchboard.json`: fastText-style hashed word
 * n-grams and character n-grams. Every field is part of the model: changing one changes ids.
 */
export interface HashedNgramSpec {
  readonly type: 'hashed-ngrams';
  /** Size of the id space; id 0 is padding, features hash into 1..buckets-1. */
  readonly buckets: number;
  /** Longest word n-gram (1 = words only, 2 = words and bigrams, ...). */
  readonly word_ngrams: number;
  /** Inclusive range of character n-gram lengths taken inside `<word>`, or null for none. */
  readonly char_ngrams: readonly [number, number] | null;
  /** Lower-case (and NFKC-normalise) before splitting. */
  readonly lowercase: boolean;
  /**
   * File (in the model folder) listing the words of the word-sequence branch, one a line. When
   * set, the ids start with one id per word in text order, `buckets + line` (1-based; `buckets`
   * for a word not listed), followed by the hashed n-gram ids, so one `input_ids` tensor feeds
   * both a bag of n-grams and a model that reads word order.
   */
  readonly sequence_vocabulary?: string;
}

// Words are runs of letters, digits, apostrophes inside words and marks; every other non-space
// character (punctuation, emoji) stands alone, so "great!!" and "great" share the word feature.
const TOKEN_PATTERN = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units, seeded per feature kind so kinds do not collide. */
function fnv1a(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const WORD_SEED = 0x9e3779b9;
const CHAR_SEED = 0x85ebca6b;

/** Splits a text into the words the featurizer counts. Exported for the trainer's vocabulary stats. */
export function splitWords(text: string, lowercase: boolean): string[] {
  const normal = lowercase ? text.normalize('NFKC').toLowerCase() : text.normalize('NFKC');
  return normal.match(TOKEN_PATTERN) ?? [];
}

/**
 * Encodes texts as hashed n-gram ids. `maxTokens` bounds the number of *words* read; the ids of
 * those words' n-grams follow from them.
 */
export class HashedNgramFeaturizer implements InputEncoder {
  readonly kind = 'featurizer' as const;
  readonly padId = 0;
  readonly maxTokens: number;
  readonly spec: HashedNgramSpec;
  private readonly range: number;
  private readonly charCache = new Map<string, number[]>();
  private readonly sequence: ReadonlyMap<string, number> | undefined;

  /**
   * @param vocabulary the words of `spec.sequence_vocabulary` in file order; required exactly
   *   when the spec names one
   */
  constructor(spec: HashedNgramSpec, maxTokens: number, vocabulary?: readonly string[]) {
    if (!Number.isInteger(spec.buckets) || spec.buckets < 2) {
      throw new RangeError(`featurizer.buckets must be an integer >= 2, got ${spec.buckets}`);
    }
    if ((spec.sequence_vocabulary === undefined) !== (vocabulary === undefined)) {
      throw new RangeError('a featurizer takes a vocabulary exactly when its spec names sequence_vocabulary');
    }
    this.spec = spec;
    this.maxTokens = maxTokens;
    this.range = spec.buckets - 1;
    if (vocabulary) this.sequence = new Map(vocabulary.map((word, i) => [word, i + 1]));
  }

  /** Words of the sequence vocabulary (0 without one); sequence ids run `buckets..buckets+size`. */
  get sequenceSize(): number {
    return this.sequence?.size ?? 0;
  }

  /** 1-based line of `word` in the sequence vocabulary, 0 when it is not listed. */
  sequenceIndex(word: string): number {
    return this.sequence?.get(word) ?? 0;
  }

  encode(text: string): EncodedText {
    const all = splitWords(text, this.spec.lowercase);
    const truncated = all.length > this.maxTokens;
    const words = truncated ? all.slice(0, this.maxTokens) : all;
    const ids: number[] = [];
    if (this.sequence) for (const word of words) ids.push(this.spec.buckets + this.sequenceIndex(word));
    const { word_ngrams: maxN, char_ngrams: chars } = this.spec;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      ids.push(this.bucket(fnv1a(word, WORD_SEED)));
      let gram = word;
      for (let n = 2; n <= maxN && i + n <= words.length; n++) {
        gram += `\u0001${words[i + n - 1]}`;
        ids.push(this.bucket(fnv1a(gram, WORD_SEED)));
      }
      if (chars) for (const id of this.charIds(word, chars)) ids.push(id);
    }
    return { ids, truncated };
  }

  private bucket(hash: number): number {
    return 1 + (hash % this.range);
  }

  // Character n-grams depend only on the word, and word frequencies are Zipfian: a bounded cache
  // makes training and inference several times faster.
  private charIds(word: string, [min, max]: readonly [number, number]): number[] {
    const cached = this.charCache.get(word);
    if (cached) return cached;
    const padded = `<${word}>`;
    const out: number[] = [];
    for (let n = min; n <= max; n++) {
      for (let start = 0; start + n <= padded.length; start++) {
        const gram = padded.slice(start, start + n);
        // The whole padded word is already a word feature.
        if (gram === padded) continue;
        out.push(this.bucket(fnv1a(gram, CHAR_SEED)));
      }
    }
    if (this.charCache.size >= 200_000) this.charCache.clear();
    this.charCache.set(word, out);
    return out;
  }
}
