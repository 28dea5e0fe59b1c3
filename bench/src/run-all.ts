import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Bench, BenchArgs } from './bench.js';
import { inferenceBench } from './inference-bench.js';
import { perfBench } from './perf-bench.js';
import { quantizeBench } from './quantize-bench.js';
import { queueBench } from './queue-bench.js';
import { requestCostBench } from './request-cost-bench.js';

/** Every bench, in the order `pnpm bench` runs them. Add new benches here. */
const BENCHES: readonly Bench[] = [inferenceBench, queueBench, perfBench, requestCostBench, quantizeBench];

const USAGE = `Usage: pnpm bench [name...] [--flags]

Runs the named benches (all when none is named). Figures go to stdout as markdown,
progress to stderr, machine-readable results to bench/results/<name>.json.

Benches:
${BENCHES.map((b) => `  ${b.name.padEnd(12)} ${b.description}`).join('\n')}`;

async function main(argv: readonly string[]): Promise<number> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const b of BENCHES) Object.assign(options, b.options);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = parsed.positionals;
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown bench: ${unknown.join(', ')}. Available: ${BENCHES.map((b) => b.name).join(', ')}.\n`,
    );
    return 2;
  }
  const selected = names.length > 0 ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES;
  // A flag that no selected bench reads would be silently ignored: say so instead.
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && token.name !== 'help' && !selected.some((b) => token.name in b.options)) {
      process.stderr.write(`--${token.name} is not a flag of ${selected.map((b) => b.name).join(', ')}.\n`);
      return 2;
    }
  }
  for (const b of selected) {
    try {
      await b.run(parsed.values as BenchArgs);
    } catch (err) {
      process.stderr.write(`\nbench ${b.name} failed: ${(err as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
