import type { ParseArgsConfig } from 'node:util';

/** Parsed command-line values, by option name. */
export type BenchArgs = Record<string, string | boolean | undefined>;

/** One benchmark that `pnpm bench` can run by name. */
export interface Bench {
  /** Name typed on the command line (`pnpm bench inference`). */
  readonly name: string;
  /** One line for `pnpm bench --help`. */
  readonly description: string;
  /** Flags this bench reads; run-all rejects flags no selected bench knows. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the bench; prints its figures to stdout and progress to stderr. */
  run(args: BenchArgs): Promise<void>;
}
