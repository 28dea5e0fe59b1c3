import type { Command } from 'commander';
import { runStack } from '../stack/run-stack.js';

/** `switchboard start`: the whole stack on one machine, stopped with Ctrl-C. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Start everything on this machine: Redis (REDIS_URL, else 127.0.0.1:6379, else a redis-server it starts), ' +
        'the workers, and every other service (HTTP API, dashboard, chat plugins when their credentials are set). ' +
        'Configuration comes from the environment or .env. Ctrl-C stops it all.',
    )
    .option('--only <services>', 'comma-separated services to start (e.g. worker,http)')
    .action(async (opts: { only?: string }) => {
      const only = opts.only?.split(',').map((s) => s.trim());
      const stack = await runStack(only ? { only } : {});
      process.stdout.write(`\nSwitchboard is up (${stack.services.size} services). Press Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stdout.write('\nStopping (letting jobs in flight finish)...\n');
          stack.stop().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('Stopped.\n');
    });
}
