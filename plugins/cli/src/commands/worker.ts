import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { findServices } from '../stack/find-services.js';
import { REPO_ROOT } from '../stack/repo-root.js';
import { ServiceProcess } from '../stack/service-process.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** `switchboard worker`: worker processes only, against the Redis in REDIS_URL (default local). */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run classification workers: N processes, each with one onnxruntime session per model, consuming the ' +
        'queue in REDIS_URL (default redis://127.0.0.1:6379). Batching: BATCH_MAX_SIZE, BATCH_MAX_TOKENS, ' +
        'BATCH_MAX_WAIT_MS. Ctrl-C drains and stops.',
    )
    .option(
      '-p, --processes <n>',
      'worker processes (default: number of cores)',
      positiveInt,
      availableParallelism(),
    )
    .action(async (opts: { processes: number }) => {
      const service = findServices(REPO_ROOT).find((s) => s.name === 'worker');
      if (!service) throw new Error('the worker package is missing from this installation');
      const proc = new ServiceProcess(service, {
        env: { ...process.env, WORKER_PROCESSES: String(opts.processes) },
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const ready = await proc.start();
      process.stdout.write(`worker: ready — ${ready.detail ?? ''}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => proc.stop().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
