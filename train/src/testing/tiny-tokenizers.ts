/**
 * Small but real `tokenizer.json` / `tokenizer_config.json` pairs in the shapes that Hugging Face
 * exports carry, so tests can build export folders without the multi-megabyte originals.
 */

/** A tokenizer folder's two JSON files. */
export interface TokenizerFiles {
  readonly 'tokenizer.json': string;
  readonly 'tokenizer_config.json': string;
}

const WORDS = [
  'the',
  'a',
  'movie',
  'film',
  'was',
  'is',
  'great',
  'good',
  'bad',
  'awful',
  'terrible',
  'wonderful',
  'i',
  'it',
  'this',
  'not',
  'very',
  'loved',
  'hated',
  'boring',
  'fun',
  'and',
  'but',
  'so',
  'free',
  'money',
  'click',
  'now',
  'you',
  'idiot',
  'thanks',
  'help',
  'please',
  'today',
  'team',
  'meeting',
];

/**
 * An uncased BERT WordPiece tokenizer as DistilBERT/BERT exports have it: `[PAD]` 0, `[UNK]` 100,
 * `[CLS]` 101, `[SEP]` 102, `[MASK]` 103, then words, single letters and `##` pieces.
 */
export function bertWordPieceFiles(modelMaxLength = 512): TokenizerFiles {
  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  };
  add('[PAD]');
  for (let i = 1; i < 100; i++) add(`[unused${i}]`);
  for (const t of ['[UNK]', '[CLS]', '[SEP]', '[MASK]']) add(t);
  for (const c of "abcdefghijklmnopqrstuvwxyz0123456789.,!?'-") add(c);
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789') add(`##${c}`);
  for (const w of WORDS) add(w);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocab[t]], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const config = {
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    do_lower_case: true,
    mask_token: '[MASK]',
    model_max_length: modelMaxLength,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'DistilBertTokenizer',
    unk_token: '[UNK]',
  };
  return { 'tokenizer.json': JSON.stringify(tokenizer), 'tokenizer_config.json': JSON.stringify(config) };
}

/**
 * A byte-level BPE tokenizer as RoBERTa exports have it: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3,
 * the 256 byte symbols, and merges that build a few whole words.
 */
export function robertaBpeFiles(modelMaxLength = 512): TokenizerFiles {
  const vocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  };
  for (const symbol of byteSymbols()) add(symbol);
  const merges: string[] = [];
  // Whole words, with and without the leading-space marker Ġ, merged letter by letter.
  for (const word of WORDS) {
    for (const start of [`Ġ${word}`, word]) {
      let piece = start[0]!;
      for (const ch of start.slice(1)) {
        merges.push(`${piece} ${ch}`);
        piece += ch;
        add(piece);
      }
    }
  }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['</s>', 2],
      cls: ['<s>', 0],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [...new Set(merges)],
    },
  };
  const config = {
    bos_token: '<s>',
    cls_token: '<s>',
    eos_token: '</s>',
    mask_token: '<mask>',
    model_max_length: modelMaxLength,
    pad_token: '<pad>',
    sep_token: '</s>',
    tokenizer_class: 'RobertaTokenizer',
    unk_token: '<unk>',
  };
  return { 'tokenizer.json': JSON.stringify(tokenizer), 'tokenizer_config.json': JSON.stringify(config) };
}

/** GPT-2's byte-to-unicode table: the 256 symbols byte-level BPE works on. */
function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const symbols = new Map<number, string>();
  for (const b of printable) symbols.set(b, String.fromCharCode(b));
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!symbols.has(b)) symbols.set(b, String.fromCharCode(256 + extra++));
  }
  return [...symbols.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}
