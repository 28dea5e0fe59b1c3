import { describe, expect, it } from 'vitest';
import { HashedNgramFeaturizer, type HashedNgramSpec, splitWords } from './hashed-featurizer.js';

const SPEC: HashedNgramSpec = {
  type: 'hashed-ngrams',
  buckets: 1 << 16,
  word_ngrams: 2,
  char_ngrams: [3, 4],
  lowercase: true,
};

function featurizer(spec: Partial<HashedNgramSpec> = {}, maxTokens = 256): HashedNgramFeaturizer {
  return new HashedNgramFeaturizer({ ...SPEC, ...spec }, maxTokens);
}

describe('splitWords', () => {
  it('keeps words with inner apostrophes and splits punctuation and emoji off', () => {
    expect(splitWords("Don't STOP, it's great!! 🎉", true)).toEqual([
      "don't",
      'stop',
      ',',
      "it's",
      'great',
      '!',
      '!',
      '🎉',
    ]);
  });
});

describe('HashedNgramFeaturizer', () => {
  it('is deterministic across instances', () => {
    const text = 'The service was slow, but the food was excellent.';
    const a = featurizer().encode(text);
    const b = featurizer().encode(text);
    expect(a.ids).toEqual(b.ids);
    expect(a.ids.length).toBeGreaterThan(0);
  });

  it('keeps the ids of released models: hashing must not change', () => {
    // Trained models store weights by these ids; a change to hashing silently breaks every
    // shipped model, so the ids of one small text are pinned.
    const f = featurizer({ buckets: 1000, word_ngrams: 2, char_ngrams: null });
    expect(f.encode('hello world').ids).toEqual(PINNED_HELLO_WORLD);
  });

  it('gives ids inside 1..buckets-1 (0 is padding)', () => {
    const f = featurizer({ buckets: 17 });
    const { ids } = f.encode('a quick brown fox jumps over the lazy dog, twice! 🦊🦊 東京');
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(16);
    }
  });

  it('counts words and word n-grams', () => {
    const words = featurizer({ word_ngrams: 1, char_ngrams: null });
    const bigrams = featurizer({ word_ngrams: 2, char_ngrams: null });
    const trigrams = featurizer({ word_ngrams: 3, char_ngrams: null });
    expect(words.encode('the cat sat').ids).toHaveLength(3);
    expect(bigrams.encode('the cat sat').ids).toHaveLength(3 + 2);
    expect(trigrams.encode('the cat sat').ids).toHaveLength(3 + 2 + 1);
    // The words themselves come first for each position, and a bigram differs from its parts.
    const w = words.encode('the cat sat').ids;
    const b = bigrams.encode('the cat sat').ids;
    expect([b[0], b[2], b[4]]).toEqual(w);
    expect(w).not.toContain(b[1]);
  });

  it('counts character n-grams inside <word>, skipping the whole padded word', () => {
    const f = featurizer({ word_ngrams: 1, char_ngrams: [3, 4] });
    // "<cat>": three 3-grams and two 4-grams, plus the word.
    expect(f.encode('cat').ids).toHaveLength(1 + 3 + 2);
    // "<a>" is the word itself, so it has no character n-grams.
    expect(f.encode('a').ids).toHaveLength(1);
    expect(f.encode('cat a').ids).toHaveLength(6 + 1);
  });

  it('lower-cases only when asked', () => {
    expect(featurizer({ lowercase: true }).encode('GREAT Movie').ids).toEqual(
      featurizer({ lowercase: true }).encode('great movie').ids,
    );
    expect(featurizer({ lowercase: false }).encode('GREAT Movie').ids).not.toEqual(
      featurizer({ lowercase: false }).encode('great movie').ids,
    );
  });

  it('flags truncation when a text has more words than maxTokens, and keeps the first words', () => {
    const f = featurizer({}, 4);
    const long = f.encode('one two three four five six');
    expect(long.truncated).toBe(true);
    expect(long.ids).toEqual(featurizer({}, 100).encode('one two three four').ids);
    const exact = f.encode('one two three four');
    expect(exact.truncated).toBe(false);
  });

  it('gives no ids and no truncation for empty and blank text', () => {
    for (const text of ['', '   ', '\n\t']) {
      expect(featurizer().encode(text)).toEqual({ ids: [], truncated: false });
    }
  });

  it('encodes emoji, CJK, accents and lone surrogates without throwing', () => {
    const f = featurizer();
    for (const text of [
      '🎉🔥👍🏽',
      '東京は素晴らしい',
      '한국어 텍스트',
      'café naïve Ångström',
      'bad \ud800 surrogate',
      'a\u0000b',
    ]) {
      const { ids } = f.encode(text);
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it('rejects a bucket count below 2', () => {
    expect(() => featurizer({ buckets: 1 })).toThrow(RangeError);
  });
});

// Computed outside this code base (Python) with 32-bit FNV-1a, word seed 0x9e3779b9, over "hello",
// "hello\u0001world" and "world", each taken modulo 999 plus one.
const PINNED_HELLO_WORLD = [594, 96, 191];

describe('HashedNgramFeaturizer with a sequence vocabulary', () => {
  const spec = { ...SPEC, buckets: 1000, sequence_vocabulary: 'vocab.txt' };

  it('puts one id per word first, buckets + line (buckets for unknown words), then the n-gram ids', () => {
    const f = new HashedNgramFeaturizer(spec, 256, ['the', 'cat']);
    const plain = new HashedNgramFeaturizer(SPEC_WITHOUT_VOCABULARY(spec), 256);
    const { ids } = f.encode('The cat purrs');
    expect(ids.slice(0, 3)).toEqual([1001, 1002, 1000]);
    expect(ids.slice(3)).toEqual(plain.encode('The cat purrs').ids);
    expect(f.encode('').ids).toEqual([]);
  });

  it('truncates the words of both parts alike', () => {
    const f = new HashedNgramFeaturizer(spec, 2, ['a']);
    const { ids, truncated } = f.encode('a b c');
    expect(truncated).toBe(true);
    expect(ids.filter((id) => id >= 1000)).toEqual([1001, 1000]);
  });

  it('needs a vocabulary exactly when the spec names one', () => {
    expect(() => new HashedNgramFeaturizer(spec, 256)).toThrow(/exactly when its spec names/);
    expect(() => new HashedNgramFeaturizer(SPEC, 256, ['a'])).toThrow(/exactly when its spec names/);
  });
});

function SPEC_WITHOUT_VOCABULARY(spec: HashedNgramSpec): HashedNgramSpec {
  const { sequence_vocabulary: _, ...rest } = spec;
  return rest;
}
