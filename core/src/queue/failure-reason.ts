import { SwitchboardError, type SwitchboardErrorCode } from '../errors.js';

/**
 * A job's failure is stored by BullMQ as one string (`failedReason`). Switchboard writes it as
 * `[code] message` so that the dashboard shows plain words and producers recover the code.
 */
export function encodeFailure(code: string, message: string): string {
  return `[${code}] ${message}`;
}

/** Splits a `failedReason` back into code and message; unknown formats become `inference_failed`. */
export function decodeFailure(reason: string | undefined): { code: SwitchboardErrorCode; message: string } {
  const match = /^\[([a-z_]+)\] ([\s\S]*)$/.exec(reason ?? '');
  if (match) return { code: match[1] as SwitchboardErrorCode, message: match[2]! };
  return { code: 'inference_failed', message: reason || 'The classification failed.' };
}

/** The error a waiting producer raises for a failed job. */
export function failureError(reason: string | undefined): SwitchboardError {
  const { code, message } = decodeFailure(reason);
  return new SwitchboardError(code, message);
}
