/** One text turned into model input ids. */
export interface EncodedText {
  /** Token (or feature) ids, already truncated to the model's maximum. */
  readonly ids: readonly number[];
  /** True when the text was longer than the model takes and its end was dropped. */
  readonly truncated: boolean;
}

/**
 * Turns texts into the `input_ids` a model graph takes. A Hugging Face tokenizer and the trainer's
 * hashed n-gram featurizer both implement it, so everything after this step is one path.
 */
export interface InputEncoder {
  /** What kind of encoder this is, for model listings. */
  readonly kind: 'tokenizer' | 'featurizer';
  /** Id used to pad shorter texts in a batch (masked out by `attention_mask`). */
  readonly padId: number;
  /** Most ids one text may produce; longer texts are truncated. */
  readonly maxTokens: number;
  /** Encodes one text. Never throws for any string, including the empty one. */
  encode(text: string): EncodedText;
}
