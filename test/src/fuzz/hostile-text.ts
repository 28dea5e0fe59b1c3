import fc from 'fast-check';

/** Characters that break naive text handling: controls, zero-width, bidi, BOM, surrogate halves. */
export const NASTY_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u2060',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  'e\u0301',
  'ﷺ',
  '𒐫',
] as const;

/** One hostile character: a listed nasty one or any UTF-16 code unit (lone surrogates included). */
const hostileChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }) },
);

/**
 * Texts a client may send by mistake or on purpose: empty, blank, made only of invisible or
 * control characters, mixed with the cue words, or around and far over the 10,000-character limit.
 */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\n\t ', '\u200b', '\u200b\u200c\u200d\ufeff', '\u0000', 'sunny', ' sunny\u0000'),
  fc.array(hostileChar, { maxLength: 40 }).map((cs) => cs.join('')),
  fc
    .tuple(fc.array(hostileChar, { maxLength: 8 }), fc.constantFrom('sunny', 'rainy', 'the weather'))
    .map(([cs, word]) => `${cs.join('')}${word}${cs.reverse().join('')}`),
  fc
    .tuple(fc.integer({ min: 9_990, max: 10_010 }), fc.constantFrom('a', ' ', '\u200b', '😀'))
    .map(([n, c]) => c.repeat(n).slice(0, n)),
  fc.integer({ min: 10_001, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
