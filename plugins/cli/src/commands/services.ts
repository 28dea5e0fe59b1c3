import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDotEnv } from '../stack/dot-env.js';
import { findServices, missingRequirement } from '../stack/find-services.js';
import { REPO_ROOT } from '../stack/repo-root.js';

/** One row of `switchboard services --json`. */
export interface ServiceStatus {
  /** The service's name (`switchboard run <name>`). */
  readonly name: string;
  /** The package that declares it. */
  readonly package: string;
  /** Its entry file, relative to the workspace root. */
  readonly entry: string;
  /** Its start order (lower first). */
  readonly order: number;
  /** Whether `switchboard start` would start it with the current environment. */
  readonly startable: boolean;
  /** The variable (or alternatives) to set when it would not. */
  readonly missing?: string;
  /** False when the entry file is not there (a compiled entry before `pnpm build`). */
  readonly entryExists: boolean;
  /** The block's one line about it. */
  readonly description?: string;
}

/** The declared services and whether each would start with `env`. */
export function serviceStatuses(root: string, env: NodeJS.ProcessEnv): ServiceStatus[] {
  return findServices(root).map((s) => {
    const missing = missingRequirement(s, env);
    const entryExists = existsSync(s.entryPath);
    return {
      name: s.name,
      package: s.packageName,
      entry: s.entryFromRoot,
      order: s.order ?? 50,
      startable: missing === undefined && entryExists,
      entryExists,
      ...(missing ? { missing } : {}),
      ...(s.description ? { description: s.description } : {}),
    };
  });
}

/** `switchboard services`: the services the workspace declares, and which would start. */
export function registerServicesCommand(program: Command): void {
  program
    .command('services')
    .description(
      'List the services the workspace declares (the switchboard.service blocks of its packages), in start ' +
        'order, and whether each would start with the current environment (and .env); if not, which variable ' +
        'to set.',
    )
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      loadDotEnv();
      const rows = serviceStatuses(REPO_ROOT, process.env);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = (pick: (r: ServiceStatus) => string, title: string) =>
        Math.max(title.length, ...rows.map((r) => pick(r).length));
      const nameW = width((r) => r.name, 'SERVICE');
      const pkgW = width((r) => r.package, 'PACKAGE');
      const line = (name: string, pkg: string, status: string) =>
        `${name.padEnd(nameW)}  ${pkg.padEnd(pkgW)}  ${status}`.trimEnd();
      const out = [line('SERVICE', 'PACKAGE', 'WITH THIS ENVIRONMENT')];
      for (const r of rows) {
        const why = r.missing ? `set ${r.missing}` : `${r.entry} is missing (run pnpm build)`;
        out.push(line(r.name, r.package, r.startable ? 'would start' : `would not start: ${why}`));
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
