import { parseCommandText } from '@switchboard/channel';

/**
 * What `/classify` and mentions understand: the rules every chat channel shares (see
 * `parseCommandText` of @switchboard/channel), with a `NAME@VERSION` word turned into the model
 * reference the queue takes.
 */
export type ParsedRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'empty'; readonly model?: string }
  | { readonly kind: 'unknown-model'; readonly model: string; readonly text: string }
  | { readonly kind: 'classify'; readonly model: string; readonly text: string };

/** Splits request text into model and text. `models` are the known names. */
export function parseRequestText(
  input: string,
  models: readonly string[],
  defaultModel: string,
): ParsedRequest {
  const parsed = parseCommandText(input, models, defaultModel);
  if (parsed.kind !== 'classify' && parsed.kind !== 'empty') return parsed;
  if (parsed.model === undefined) return { kind: 'empty' };
  const model = parsed.version ? `${parsed.model}@${parsed.version}` : parsed.model;
  return parsed.kind === 'classify'
    ? { kind: 'classify', model, text: parsed.text }
    : { kind: 'empty', model };
}
