/**
 * What `/classify` and mentions understand:
 *
 * - `help` alone: the help message; nothing at all: the usage.
 * - `model:NAME text`: classify `text` with model NAME; an unknown NAME gets the list of models.
 * - `NAME text`, where the first word is exactly a model's name (case aside): the same.
 * - anything else: the whole text goes to the default model. A first word that is not a model name
 *   is simply part of the text, so `/classify great job` never fails for want of a model called
 *   "great"; that is why a model can only be misspelt after `model:`.
 */
export type ParsedRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'empty'; readonly model?: string }
  | { readonly kind: 'unknown-model'; readonly model: string; readonly text: string }
  | { readonly kind: 'classify'; readonly model: string; readonly text: string };

const EXPLICIT_MODEL = /^model[:=](\S*)$/i;

/** Splits request text into model and text; see the rules above. `models` are the known names. */
export function parseRequestText(
  input: string,
  models: readonly string[],
  defaultModel: string,
): ParsedRequest {
  const text = input.trim();
  if (text.length === 0) return { kind: 'empty' };
  if (text.toLowerCase() === 'help') return { kind: 'help' };
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const first = match[1]!;
  const rest = match[2]!.trim();
  const explicit = EXPLICIT_MODEL.exec(first);
  const named = explicit ? explicit[1]! : first;
  const model = models.find((m) => m.toLowerCase() === named.toLowerCase());
  if (explicit) {
    if (!model) return { kind: 'unknown-model', model: named, text: rest };
    return rest ? { kind: 'classify', model, text: rest } : { kind: 'empty', model };
  }
  if (model) return rest ? { kind: 'classify', model, text: rest } : { kind: 'empty', model };
  return { kind: 'classify', model: defaultModel, text };
}
