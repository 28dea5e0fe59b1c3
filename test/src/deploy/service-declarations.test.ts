import { describe, expect, it } from 'vitest';
import { readRepoFile, sourceFiles } from './repo-files.js';
import { serviceDeclarations } from './service-declarations.js';

/** The sources a service's package runs: its own and the core's (shared settings live there). */
function codeOf(packageDir: string): string {
  return [...sourceFiles(packageDir), ...sourceFiles('core')].map((f) => readRepoFile(f)).join('\n');
}

describe('switchboard.service blocks', () => {
  const declared = [...serviceDeclarations().values()];

  it('declare the worker, the HTTP API, the dashboard and the chat plugins, entries that exist', () => {
    expect(declared.map((s) => s.name).sort()).toEqual([
      'dashboard',
      'discord',
      'http',
      'slack',
      'telegram',
      'worker',
    ]);
    for (const s of declared) expect(sourceFiles(s.packageDir).length, s.name).toBeGreaterThan(0);
  });

  it('name only variables their code reads', () => {
    for (const s of declared) {
      const code = codeOf(s.packageDir);
      const names = new Set([
        ...Object.keys(s.env ?? {}),
        ...(s.requires ?? []).flatMap((r) => r.split('|')),
        ...(s.listen ? [s.listen.portEnv, ...(s.listen.hostEnv ? [s.listen.hostEnv] : [])] : []),
        ...(s.health?.skipWhen
          ? [s.health.skipWhen.flag, ...(s.health.skipWhen.orSet ? [s.health.skipWhen.orSet] : [])]
          : []),
      ]);
      for (const name of names) expect(code, `${s.name}: ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('declare the default port and the health paths their code serves', () => {
    for (const s of declared) {
      if (!s.listen) continue;
      const code = codeOf(s.packageDir);
      expect(code, `${s.name}: default port ${s.listen.port}`).toMatch(
        new RegExp(`\\b${String(s.listen.port).replace(/(\d)(\d{3})$/, '$1_?$2')}\\b`),
      );
      for (const path of [s.health?.path, s.health?.live])
        if (path) expect(code, `${s.name}: ${path}`).toContain(`'${path}'`);
      expect(s.env?.[s.listen.portEnv]?.default, `${s.name}: ${s.listen.portEnv} default`).toBe(
        String(s.listen.port),
      );
    }
  });

  it('mark credentials secret, and give secrets no value', () => {
    for (const s of declared) {
      for (const [name, v] of Object.entries(s.env ?? {})) {
        if (/(_TOKEN|_SECRET|_PASSWORD|_KEYS|_USERS)$/.test(name))
          expect(v.secret, `${s.name}: ${name}`).toBe(true);
        if (v.secret) expect(v.default ?? v.container ?? v.kubernetes, `${s.name}: ${name}`).toBeUndefined();
      }
    }
  });
});
