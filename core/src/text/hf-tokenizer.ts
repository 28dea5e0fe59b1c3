import { Tokenizer } from '@huggingface/tokenizers';
import type { EncodedText, InputEncoder } from './input-encoder.js';

/**
 * A Hugging Face `tokenizer.json` (WordPiece, BPE, Unigram...) loaded with the pure-JS
 * `@huggingface/tokenizers` library: fully offline, no native code.
 *
 * Truncation keeps the special tokens the post-processor adds (`[CLS] ... [SEP]`, `<s> ... </s>`)
 * and cuts the content between them, which is what `truncation=True` does in `transformers`.
 */
export class HfTokenizerEncoder implements InputEncoder {
  readonly kind = 'tokenizer' as const;
  readonly padId: number;
  readonly maxTokens: number;
  private readonly tokenizer: Tokenizer;
  private readonly prefix: number;
  private readonly suffix: number;

  /**
   * @param tokenizerJson parsed `tokenizer.json`
   * @param tokenizerConfig parsed `tokenizer_config.json`, or `{}` when the folder has none
   * @param maxTokens most tokens per text, special tokens included
   */
  constructor(tokenizerJson: object, tokenizerConfig: object, maxTokens: number) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.maxTokens = maxTokens;
    const padToken = (tokenizerJson as { padding?: { pad_id?: number } | null }).padding?.pad_id;
    const configPad = (tokenizerConfig as { pad_token?: unknown }).pad_token;
    const padFromConfig = typeof configPad === 'string' ? this.tokenizer.token_to_id(configPad) : undefined;
    this.padId = padToken ?? padFromConfig ?? this.tokenizer.token_to_id('[PAD]') ?? 0;
    // Learn how many special tokens the post-processor wraps a single sequence in.
    const plain = this.tokenizer.encode('a', { add_special_tokens: false }).ids;
    const wrapped = this.tokenizer.encode('a', { add_special_tokens: true }).ids;
    const at = indexOfRun(wrapped, plain);
    this.prefix = Math.max(0, at);
    this.suffix = at < 0 ? 0 : wrapped.length - at - plain.length;
    if (this.prefix + this.suffix >= maxTokens) {
      throw new RangeError(`max tokens ${maxTokens} leaves no room beside the special tokens`);
    }
  }

  encode(text: string): EncodedText {
    const ids = this.tokenizer.encode(text, { add_special_tokens: true }).ids;
    if (ids.length <= this.maxTokens) return { ids, truncated: false };
    const keep = this.maxTokens - this.prefix - this.suffix;
    const head = ids.slice(0, this.prefix + keep);
    const tail = this.suffix > 0 ? ids.slice(ids.length - this.suffix) : [];
    return { ids: head.concat(tail), truncated: true };
  }

  /** Token strings of a text, for debugging and tests. */
  tokens(text: string): string[] {
    return this.tokenizer.encode(text, { add_special_tokens: true }).tokens;
  }
}

function indexOfRun(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
