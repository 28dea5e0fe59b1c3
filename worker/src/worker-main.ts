/**
 * Entry point of `switchboard worker`: one worker process, or (with `WORKER_PROCESSES` > 1 or
 * `--processes N`) a pool that runs and supervises N of them.
 */
import { parseArgs } from 'node:util';
import { announceReady, stopOnSignals, stopWhenParentGone } from '@switchboard/core';
import { pino } from 'pino';
import { ClassifyWorker } from './classify-worker.js';
import { workerOptionsFromEnv } from './worker-options.js';
import { type ReadyMessage, WorkerPool } from './worker-pool.js';

const { values } = parseArgs({
  options: { processes: { type: 'string', short: 'p' } },
  allowPositionals: false,
});
if (values.processes !== undefined) process.env.WORKER_PROCESSES = values.processes;

let options: ReturnType<typeof workerOptionsFromEnv>;
try {
  options = workerOptionsFromEnv();
} catch (err) {
  console.error(`switchboard worker: ${(err as Error).message}`);
  process.exit(2);
}
const index = Number(process.env.SWITCHBOARD_WORKER_INDEX ?? 0);
const log = pino({ level: options.logLevel, base: { service: 'worker', worker: index, pid: process.pid } });

if (options.processes > 1) {
  const pool = new WorkerPool(
    {
      processes: options.processes,
      shutdownMs: options.shutdownMs,
      env: process.env,
    },
    log,
  );
  stopOnSignals(() => pool.close(), log, 'jobs in flight');
  // The pool's own children stop when it dies (see below); this stops the pool when the stack dies.
  stopWhenParentGone(() => pool.close(), log, options.shutdownMs + 10_000);
  const ready = await pool.start();
  const processes = ready.map((r) => ({ pid: r.pid, metricsPort: r.metricsPort }));
  log.info({ processes }, 'worker pool ready');
  const ports = ready.map((r) => `http://${options.metricsHost}:${r.metricsPort}/metrics`);
  announceReady({
    processes,
    detail: `${ready.length} processes, models ${ready[0]?.models.join(', ')}; metrics ${ports.join(' ')}`,
  });
} else {
  const worker = new ClassifyWorker(options, index, log);
  stopOnSignals(() => worker.close(), log, 'jobs in flight');
  // A worker of a pool (or of the stack) must not outlive it, even when it is SIGKILLed: an
  // orphan would keep taking jobs with nobody to stop, restart or scale it.
  stopWhenParentGone(() => worker.close(), log, options.shutdownMs + 5_000);
  try {
    const metricsPort = await worker.start();
    const ready: ReadyMessage = {
      type: 'ready',
      index,
      pid: process.pid,
      metricsPort,
      models: [...worker.models],
      concurrency: worker.concurrency,
    };
    const metricsUrl = `http://${options.metricsHost}:${metricsPort}/metrics`;
    announceReady({
      ...ready,
      url: metricsUrl,
      detail: `1 process, models ${worker.models.join(', ')}; metrics ${metricsUrl}`,
    });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'worker failed to start');
    await worker.close();
    process.exit(1);
  }
}
