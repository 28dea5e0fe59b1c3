/**
 * A YAML value the generator writes: plain data, plus comment lines and compose merge keys, which
 * a YAML library's `stringify` cannot place where people expect them.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlMap;

/** A mapping; keys `#...` are comment lines (their value is the text), `<<` takes an {@link alias}. */
export interface YamlMap {
  readonly [key: string]: YamlValue | Alias | undefined;
}

/** A reference to an anchor (`*name`), for compose's `<<: *app` merges. */
export interface Alias {
  readonly alias: string;
}

/** Refers to the anchor `name`. */
export function alias(name: string): Alias {
  return { alias: name };
}

const PLAIN = /^[A-Za-z0-9_./@$-][A-Za-z0-9_ ./:@$(),=-]*$/;
const NOT_PLAIN = /^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?|0x[0-9a-f]+)$/i;

/** A scalar, quoted (as JSON, which YAML reads) only when plain text would change its meaning. */
export function scalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  if (PLAIN.test(value) && !NOT_PLAIN.test(value) && !value.endsWith(' ') && !value.includes(': '))
    return value;
  return JSON.stringify(value);
}

function isAlias(value: unknown): value is Alias {
  return typeof value === 'object' && value !== null && 'alias' in value;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Comment lines of a text (one `#` line each). */
export function commentLines(text: string, indent = ''): string[] {
  return text.split('\n').map((line) => (line ? `${indent}# ${line}` : `${indent}#`));
}

/**
 * Block YAML of a mapping at `indent` spaces. Lists of scalars are written in flow style
 * (`["CMD", "node"]`), as people write compose commands.
 */
export function yamlLines(map: YamlMap, indent = 0): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    if (key.startsWith('#')) {
      lines.push(...commentLines(String(value), pad));
    } else if (isAlias(value)) {
      lines.push(`${pad}${key}: *${value.alias}`);
    } else if (isScalar(value)) {
      lines.push(`${pad}${scalar(key)}: ${scalar(value)}`);
    } else if (Array.isArray(value)) {
      if (value.every(isScalar)) {
        lines.push(
          `${pad}${scalar(key)}: [${value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}]`,
        );
      } else {
        lines.push(`${pad}${scalar(key)}:`);
        for (const item of value) {
          const inner = yamlLines(item as YamlMap, indent + 4);
          lines.push(`${pad}  - ${inner[0]!.trimStart()}`, ...inner.slice(1));
        }
      }
    } else {
      lines.push(`${pad}${scalar(key)}:`, ...yamlLines(value as YamlMap, indent + 2));
    }
  }
  return lines;
}
