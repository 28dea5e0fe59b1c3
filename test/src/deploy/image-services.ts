import { readRepoFile } from './repo-files.js';

/** Path of the image's entrypoint script. */
export const ENTRYPOINT = 'deploy/docker-entrypoint.sh';
/** Path of the image's health check script. */
export const HEALTHCHECK = 'deploy/healthcheck.mjs';

/** The services the entrypoint script starts (`name) entry=path ;;`), by name. */
export function entrypointServices(): Map<string, string> {
  const script = readRepoFile(ENTRYPOINT);
  return new Map([...script.matchAll(/^\s*([a-z]+)\) entry=(\S+) ;;$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The entry files the health check script recognises in the process list, by service name. */
export function healthcheckServices(): Map<string, string> {
  const script = readRepoFile(HEALTHCHECK);
  const block = /const ENTRIES = \{([^}]*)\}/.exec(script)?.[1] ?? '';
  return new Map([...block.matchAll(/^\s*([a-z]+): '([^']+)',$/gm)].map((m) => [m[1]!, m[2]!]));
}
