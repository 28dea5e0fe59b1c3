import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('switchboard --version', () => {
  it('prints the CLI package version and exits 0', () => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const run = runCli([flag]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it("leaves a command's own --version alone (train --version is the model's version)", () => {
    const run = runCli(['train', '--version', '1.2.0']);
    // train goes on to complain about its missing --data, so --version reached train.
    expect(run.stdout).not.toBe(`${pkg.version}\n`);
    expect(run.stderr).toMatch(/--data/);
    expect(run.status).toBe(2);
  });

  it('is listed in the help', () => {
    const run = runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/-V, --version +print the switchboard version and exit/);
  });
});
