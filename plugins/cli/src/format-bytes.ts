const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** A byte count for people, in decimal units: `812 B`, `12.3 MB`, `240 MB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Compare the rounded figure, so 999,960 bytes reads "1.0 MB" and never "1000 kB".
  while (unit < UNITS.length - 1 && Number(round(value)) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? String(value) : round(value)} ${UNITS[unit]}`;
}

function round(value: number): string {
  const tenths = Math.round(value * 10) / 10;
  return tenths < 100 ? tenths.toFixed(1) : Math.round(value).toFixed(0);
}
