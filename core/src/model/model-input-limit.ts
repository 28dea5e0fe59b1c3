import type { HfConfig } from './model-spec.js';

/** Longest input when neither `switchboard.json`, `config.json` nor `tokenizer_config.json` says. */
export const DEFAULT_MAX_INPUT_TOKENS = 512;

/**
 * `transformers` writes `model_max_length: 1e30` (its VERY_LARGE_INTEGER) when a tokenizer has no
 * limit of its own; anything this large means "none".
 */
const NO_LIMIT = 1e9;

/** Model types whose position table starts after the padding index, as TEI computes it. */
const OFFSET_POSITIONS = new Set(['roberta', 'xlm-roberta', 'camembert']);

/**
 * Most tokens a tokenizer model reads: the smaller of `model_max_length` (tokenizer_config.json)
 * and the position table. RoBERTa-family tables hold `max_position_embeddings - pad_token_id - 1`
 * usable positions (514 - 1 - 1 = 512 for roberta-base): a 513th token would index past the table.
 */
export function tokenizerInputLimit(
  config: HfConfig,
  tokenizerConfig: { model_max_length?: unknown },
): number {
  const limits: number[] = [];
  const positions = config.max_position_embeddings;
  if (positions !== undefined) {
    const offset = OFFSET_POSITIONS.has(config.model_type ?? '') ? (config.pad_token_id ?? 1) + 1 : 0;
    limits.push(positions - offset);
  }
  const declared = tokenizerConfig.model_max_length;
  if (typeof declared === 'number' && Number.isInteger(declared) && declared > 0 && declared < NO_LIMIT) {
    limits.push(declared);
  }
  return limits.length > 0 ? Math.min(...limits) : DEFAULT_MAX_INPUT_TOKENS;
}
