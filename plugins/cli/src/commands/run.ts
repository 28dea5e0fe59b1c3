import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { EXIT } from '../report-error.js';
import { loadDotEnv } from '../stack/dot-env.js';
import { findService, missingRequirement, UnknownServiceError } from '../stack/find-services.js';
import { REPO_ROOT } from '../stack/repo-root.js';

/**
 * `switchboard run <service>`: one declared service in this very process (the image's entrypoint
 * uses it), so that it is PID 1 in a container and receives SIGTERM itself.
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run one declared service (see `switchboard services`) in this process, configured by the environment ' +
        '(and .env): no Redis is started and nothing is restarted; a container or a process manager does that.',
    )
    .argument('<service>', 'the service name, e.g. worker, http, dashboard, slack, discord')
    .argument('[args...]', 'arguments passed to the service')
    .allowUnknownOption()
    .action(async (name: string, args: string[]) => {
      loadDotEnv();
      let service: ReturnType<typeof findService>;
      try {
        service = findService(REPO_ROOT, name);
      } catch (err) {
        if (!(err instanceof UnknownServiceError)) throw err;
        process.stderr.write(`switchboard run: ${err.message}\n`);
        process.exit(EXIT.unknownService);
      }
      const missing = missingRequirement(service, process.env);
      if (missing) {
        process.stderr.write(
          `switchboard run: ${service.name} needs ${missing}; set it in the environment or .env.\n`,
        );
        process.exit(EXIT.config);
      }
      if (!existsSync(service.entryPath)) {
        process.stderr.write(
          `switchboard run: ${service.entryFromRoot} is missing; build the workspace (pnpm build).\n`,
        );
        process.exit(EXIT.config);
      }
      // The service reads its own arguments as if it had been started directly.
      process.argv = [process.argv[0]!, service.entryPath, ...args];
      try {
        await import(pathToFileURL(service.entryPath).href);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION')
          throw new Error(
            `${service.entryFromRoot} is TypeScript and this node runs without tsx: build the workspace, or run through \`pnpm switchboard\`.`,
          );
        throw err;
      }
    });
}
