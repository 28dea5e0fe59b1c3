import { readRepoFile, sourceFiles } from './repo-files.js';
import { serviceDeclarations } from './service-declarations.js';

/**
 * The packages that run in the image and read their configuration from the environment: the core
 * and the CLI, and every package that declares a service.
 */
function servicePackages(): string[] {
  return ['core', 'plugins/cli', ...[...serviceDeclarations().values()].map((s) => s.packageDir)];
}

const NAME =
  /\b(?:SWITCHBOARD|WORKER|BATCH|ORT|HTTP|DASHBOARD|SLACK|DISCORD|TELEGRAM|REDIS|LOG)_[A-Z0-9_]+\b/g;

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
  for (const pkg of servicePackages()) {
    for (const file of sourceFiles(pkg)) {
      const text = readRepoFile(file);
      for (const m of text.matchAll(NAME)) seen.add(m[0]);
      for (const m of text.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\b/g)) constants.add(m[1]!);
    }
  }
  return new Set([...seen].filter((name) => !constants.has(name) && !INTERNAL.has(name)));
}

/** The variables the `switchboard.service` blocks declare (their `env` and `requires`), by service. */
export function declaredEnvironmentVariables(): Map<string, Set<string>> {
  const byService = new Map<string, Set<string>>();
  for (const s of serviceDeclarations().values()) {
    const names = new Set(Object.keys(s.env ?? {}));
    for (const requirement of s.requires ?? []) for (const name of requirement.split('|')) names.add(name);
    if (s.listen) names.add(s.listen.portEnv);
    if (s.listen?.hostEnv) names.add(s.listen.hostEnv);
    byService.set(s.name, names);
  }
  return byService;
}
