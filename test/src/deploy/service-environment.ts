import { readRepoFile, sourceFiles } from './repo-files.js';

/** The packages that run in the image and read their configuration from the environment. */
const SERVICE_PACKAGES = [
  'core',
  'worker',
  'plugins/http',
  'plugins/slack',
  'plugins/discord',
  'plugins/cli',
  'dashboard',
];

const NAME = /\b(?:SWITCHBOARD|WORKER|BATCH|ORT|HTTP|DASHBOARD|SLACK|DISCORD|REDIS|LOG)_[A-Z0-9_]+\b/g;

/**
 * Set by the worker pool for the processes it forks, never by people: documenting it would only
 * invite someone to set it.
 */
const INTERNAL = new Set(['SWITCHBOARD_WORKER_INDEX']);

/**
 * The environment variables the services read, found in their sources: every upper-case name with
 * one of the configuration prefixes, minus the names the sources declare as constants
 * (`const HTTP_ENV = …`) and the internal ones.
 */
export function serviceEnvironmentVariables(): Set<string> {
  const seen = new Set<string>();
  const constants = new Set<string>();
  for (const pkg of SERVICE_PACKAGES) {
    for (const file of sourceFiles(pkg)) {
      const text = readRepoFile(file);
      for (const m of text.matchAll(NAME)) seen.add(m[0]);
      for (const m of text.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\b/g)) constants.add(m[1]!);
    }
  }
  return new Set([...seen].filter((name) => !constants.has(name) && !INTERNAL.has(name)));
}
