import { readRepoFile } from './repo-files.js';
import { serviceDeclarations } from './service-declarations.js';

/** Path of the image's entrypoint script. */
export const ENTRYPOINT = 'deploy/docker-entrypoint.sh';
/** Path of the image's health check script. */
export const HEALTHCHECK = 'deploy/healthcheck.mjs';

/** What the image runs by name: every declared service (through `switchboard run`) and the CLI. */
export function entrypointServices(): Set<string> {
  return new Set([...serviceDeclarations().keys(), 'cli']);
}

/** One service as the health check script knows it. */
export interface HealthcheckEntry {
  readonly entry: string;
  readonly none?: string;
  readonly port?: number;
  readonly portEnv?: string;
  readonly hostEnv?: string;
  readonly path?: string;
}

/** The table of services written into the health check script, by name. */
export function healthcheckServices(): Map<string, HealthcheckEntry> {
  const script = readRepoFile(HEALTHCHECK);
  const table = /^const SERVICES = (\{[\s\S]*?^\});$/m.exec(script)?.[1];
  if (!table) throw new Error(`${HEALTHCHECK}: no SERVICES table`);
  return new Map(Object.entries(JSON.parse(table) as Record<string, HealthcheckEntry>));
}
