/**
 * What `/classify` (and a mention) understands in every chat channel: the same rules for Slack,
 * Telegram and whichever channel comes next.
 *
 * - `help` alone: the help message; nothing at all: the usage (a channel may then classify something
 *   else, such as the message a Telegram command replies to).
 * - `model:NAME text`: classify `text` with model NAME; an unknown NAME gets the list of models.
 * - `NAME text`, where the first word is exactly a model's name (case aside): the same.
 * - anything else: the whole text goes to the default model, so `/classify great job` never fails
 *   for want of a model called "great"; a model can only be misspelt after `model:`.
 *
 * NAME may carry a version, `NAME@VERSION`: the request is taken only while the repository holds
 * that version of the model (the channel checks it and asks for `NAME@VERSION`).
 */
export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'empty'; readonly model?: string; readonly version?: string }
  | { readonly kind: 'unknown-model'; readonly model: string; readonly text: string }
  | {
      readonly kind: 'classify';
      readonly model: string;
      readonly version?: string;
      readonly text: string;
    };

const EXPLICIT_MODEL = /^model[:=](\S*)$/i;

/** Splits command text into model and text; see the rules above. `models` are the known names. */
export function parseCommandText(
  input: string,
  models: readonly string[],
  defaultModel: string,
): ParsedCommand {
  const text = input.trim();
  if (text.length === 0) return { kind: 'empty' };
  if (text.toLowerCase() === 'help') return { kind: 'help' };
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const first = match[1]!;
  const rest = match[2]!.trim();
  const explicit = EXPLICIT_MODEL.exec(first);
  const word = explicit ? explicit[1]! : first;
  const at = word.lastIndexOf('@');
  const named = at > 0 ? word.slice(0, at) : word;
  const version = at > 0 && at < word.length - 1 ? word.slice(at + 1) : undefined;
  const model = models.find((m) => m.toLowerCase() === named.toLowerCase());
  const withVersion = version ? { version } : {};
  if (explicit && !model) return { kind: 'unknown-model', model: word, text: rest };
  if (model) {
    return rest
      ? { kind: 'classify', model, ...withVersion, text: rest }
      : { kind: 'empty', model, ...withVersion };
  }
  return { kind: 'classify', model: defaultModel, text };
}
