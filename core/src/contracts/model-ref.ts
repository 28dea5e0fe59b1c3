/**
 * How a request names a model: `name` (its default version) or `name@version`. Names and versions
 * are folder names in the model repository (`models/<name>/<version>/`).
 */
export const MODEL_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(@[A-Za-z0-9][A-Za-z0-9_.+-]{0,63})?$/;

/** A model word split into name and (when given) version. */
export interface ModelRef {
  readonly name: string;
  /** Undefined for a bare name: the model's default version. */
  readonly version: string | undefined;
}

/** Splits `name@version`; a word without `@` is a bare name. */
export function parseModelRef(word: string): ModelRef {
  const at = word.indexOf('@');
  if (at < 0) return { name: word, version: undefined };
  return { name: word.slice(0, at), version: word.slice(at + 1) };
}

/** Orders versions oldest first, numbers compared as numbers (`1.10.0` after `1.9.0`, `10` after `9`). */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}
