import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two strings in time that depends on neither their content nor their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}
