import { describe, expect, it } from 'vitest';
import { readRepoFile } from './repo-files.js';
import { serviceEnvironmentVariables } from './service-environment.js';

const lines = readRepoFile('.env.example').split('\n');
/** `NAME=value` lines, set or shown commented out as a default. */
const entries = lines.flatMap((line) => {
  const m = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  return m ? [{ name: m[1]!, value: m[2]!, active: !line.trim().startsWith('#') }] : [];
});
const documented = new Set(entries.map((e) => e.name));

describe('.env.example', () => {
  it('documents every environment variable the services read', () => {
    const variables = serviceEnvironmentVariables();
    // The sources name these; if the scan found few, it is broken, not the file complete.
    expect(variables.size).toBeGreaterThan(40);
    const missing = [...variables].filter((name) => !documented.has(name)).sort();
    expect(missing, 'variables read by the services but missing from .env.example').toEqual([]);
  });

  it('documents nothing the services do not read (besides compose settings)', () => {
    const variables = serviceEnvironmentVariables();
    // Read by docker-compose itself for ${REDIS_MAXMEMORY} in docker-compose.yml.
    const composeOnly = new Set(['REDIS_MAXMEMORY']);
    expect(readRepoFile('docker-compose.yml')).toContain('${REDIS_MAXMEMORY:-');
    const unknown = [...documented].filter((name) => !variables.has(name) && !composeOnly.has(name));
    expect(unknown).toEqual([]);
  });

  it('sets no secret: every active secret line is empty', () => {
    for (const { name, value, active } of entries) {
      if (!active || !/TOKEN|SECRET|PASSWORD|_KEYS?$|USERS/.test(name)) continue;
      expect(value, `${name} must stay empty in .env.example`).toBe('');
    }
  });
});
