import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BERT_FIXTURE_DIR } from '../testing/test-model-folders.js';
import { HfTokenizerEncoder } from './hf-tokenizer.js';

const BERT_DIR = BERT_FIXTURE_DIR;
const CLS = 101;
const SEP = 102;

/**
 * Sentences where WordPiece implementations tend to disagree: accents (stripped by the uncased
 * normaliser), emoji (unknown), CJK (split per character), rare words, punctuation, case, control
 * and zero-width characters, several scripts, and a text far past 512 tokens.
 */
const SENTENCES = [
  '',
  'Hello, world!',
  'The café served a naïve crème brûlée; Ångström would approve.',
  'ÉCOLE Über façade — São Paulo, Kraków, Reykjavík, Łódź, Dvořák',
  'I love it 😍🔥👍🏽 and my family 👨‍👩‍👧‍👦 too!!!',
  '東京タワーは素晴らしいです。我爱北京天安门。한국어 문장입니다.',
  'Antidisestablishmentarianism and pneumonoultramicroscopicsilicovolcanoconiosis are words.',
  'Zxqvbn flurbleglorp snorkwhistle qwertyuiopasdfghjkl.',
  'MiXeD CaSe ShOuTiNg: WHY IS THIS HAPPENING?!',
  "don't won't it's y'all rock'n'roll O'Neil",
  'Prices: $1,234.56, 99.9%, 3×4=12, ±5°C, #hashtag @user https://example.com/path?q=1&r=2',
  '((nested [brackets] {and} <tags>)) ... --- *** ___ ~~~ ¿¡',
  'tab\there\nnew line\r\nand\u00a0non-breaking\u200bzero-width\u0007bell',
  'e\u0301 vs é (combining vs precomposed), ﬁ ligature, ｆｕｌｌｗｉｄｔｈ',
  'مرحبا بالعالم, नमस्ते दुनिया, สวัสดีชาวโลก, Привет мир, Γειά σου Κόσμε',
  'The quick brown fox jumps over the lazy dog. '.repeat(80),
];

function encoder(maxTokens: number): HfTokenizerEncoder {
  const dir = BERT_DIR;
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as object;
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as object;
  return new HfTokenizerEncoder(json, config, maxTokens);
}

let untruncated: NativeTokenizer | undefined;

/** Ids from the native binding: the independent implementation ours must agree with. */
async function nativeIds(text: string, maxLength?: number): Promise<number[]> {
  let native: NativeTokenizer;
  if (maxLength === undefined) {
    untruncated ??= NativeTokenizer.fromFile(join(BERT_DIR, 'tokenizer.json'));
    native = untruncated;
  } else {
    native = NativeTokenizer.fromFile(join(BERT_DIR, 'tokenizer.json'));
    native.setTruncation(maxLength);
  }
  return (await native.encode(text, null, { addSpecialTokens: true })).getIds();
}

describe('HfTokenizerEncoder over bert-base-uncased', () => {
  let wide: HfTokenizerEncoder;
  beforeAll(() => {
    wide = encoder(100_000);
  });

  it('gives the same ids as the native Rust tokenizers binding', async () => {
    for (const text of SENTENCES) {
      const ours = wide.encode(text);
      expect(ours.ids, JSON.stringify(text.slice(0, 60))).toEqual(await nativeIds(text));
      expect(ours.truncated).toBe(false);
    }
  });

  it('covers what it claims: accents folded, emoji unknown, CJK per character, rare words split', () => {
    expect(wide.tokens('Café naïve Ångström')).toEqual(['[CLS]', 'cafe', 'naive', 'ang', '##strom', '[SEP]']);
    expect(wide.tokens('😍')).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    expect(wide.tokens('東京')).toEqual(['[CLS]', '東', '京', '[SEP]']);
    expect(wide.tokens('snorkwhistle').filter((t) => t.startsWith('##')).length).toBeGreaterThan(0);
  });

  it('pads with [PAD] = 0 and wraps the empty text in [CLS] [SEP]', () => {
    expect(wide.padId).toBe(0);
    expect(wide.encode('')).toEqual({ ids: [CLS, SEP], truncated: false });
  });

  it('truncates to exactly maxTokens ids, [CLS] first and [SEP] last, like the native truncation', async () => {
    const long = SENTENCES.at(-1)!;
    for (const max of [3, 16, 128, 512]) {
      const cut = encoder(max).encode(long);
      expect(cut.truncated).toBe(true);
      expect(cut.ids).toHaveLength(max);
      expect(cut.ids[0]).toBe(CLS);
      expect(cut.ids.at(-1)).toBe(SEP);
      expect(cut.ids).toEqual(await nativeIds(long, max));
    }
  });

  it('does not flag a text that fits exactly', async () => {
    const text = 'one two three';
    const exact = (await nativeIds(text)).length;
    expect(encoder(exact).encode(text).truncated).toBe(false);
    expect(encoder(exact - 1).encode(text).truncated).toBe(true);
  });

  it('refuses a maxTokens with no room beside [CLS] and [SEP]', () => {
    expect(() => encoder(2)).toThrow(/no room beside the special tokens/);
  });
});
