import { InputError } from '@switchboard/core';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The start of a `--since` window as ms since the epoch: a duration back from `now` (`30m`, `12h`,
 * `7d`, `2w`) or a date (`2026-12-01`, any ISO 8601 time).
 * @throws InputError naming `--since`
 */
export function parseSince(value: string, now = Date.now()): number {
  const duration = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(date)) return date;
  throw new InputError(
    `--since "${value}" is neither a duration (30m, 12h, 7d, 2w) nor a date (2026-12-01).`,
    'since',
  );
}
