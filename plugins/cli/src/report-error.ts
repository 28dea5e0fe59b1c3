import { SwitchboardError } from '@switchboard/core';

/** Exit codes, so scripts can tell a bad request from a broken installation. */
export const EXIT = {
  /** Unexpected failure (a bug or an unreadable system). */
  failure: 1,
  /** Bad usage or bad input: empty text, unreadable file, unknown model. */
  usage: 2,
  /** A model folder that cannot be loaded. */
  model: 3,
  /** Redis or the server is unreachable. */
  unavailable: 4,
  /** `switchboard run` of a service no package declares (EX_USAGE). */
  unknownService: 64,
  /** `switchboard run` of a service whose required environment is unset (EX_CONFIG). */
  config: 78,
} as const;

/** Prints an error for a person (no stack trace for expected failures) and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof SwitchboardError) {
    process.stderr.write(`switchboard: ${err.message}\n`);
    switch (err.code) {
      case 'model_load':
        return EXIT.model;
      case 'queue_unavailable':
      case 'timeout':
        return EXIT.unavailable;
      case 'inference_failed':
        return EXIT.failure;
      default:
        return EXIT.usage;
    }
  }
  process.stderr.write(`switchboard: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failure;
}
