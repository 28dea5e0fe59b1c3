import type { TextResult } from '@switchboard/core';

/** An alert label whose score reached its threshold. */
export interface Flag {
  readonly label: string;
  readonly score: number;
  readonly threshold: number;
}

/** The alert labels of `result` at or above their thresholds, highest score first. */
export function flagsOf(result: TextResult, alerts: Readonly<Record<string, number>>): Flag[] {
  const flags: Flag[] = [];
  for (const { label, score } of result.labels) {
    const threshold = alerts[label];
    if (threshold !== undefined && score >= threshold) flags.push({ label, score, threshold });
  }
  return flags.sort((a, b) => b.score - a.score);
}
