import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDeclaration } from '@switchboard/core';

/** A service found in the workspace, with its entry resolved. */
export interface FoundService extends ServiceDeclaration {
  /** Absolute path of the entry file. */
  readonly entryPath: string;
  /** The package it belongs to. */
  readonly packageName: string;
}

// The package folders that may hold services, as in pnpm-workspace.yaml.
const PACKAGE_GLOBS = ['worker', 'plugins/*', 'dashboard'];

/**
 * Finds every package that declares a `switchboard.service` block. The stack learns about channels
 * this way instead of importing them: plugins never depend on each other, not even through the CLI.
 */
export function findServices(root: string): FoundService[] {
  const dirs: string[] = [];
  for (const glob of PACKAGE_GLOBS) {
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const d of readdirSync(parent, { withFileTypes: true }))
        if (d.isDirectory()) dirs.push(join(parent, d.name));
    } else {
      dirs.push(join(root, glob));
    }
  }
  const found: FoundService[] = [];
  for (const dir of dirs) {
    const pkgPath = join(dir, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      name: string;
      switchboard?: { service?: ServiceDeclaration };
    };
    const service = pkg.switchboard?.service;
    if (!service) continue;
    found.push({ ...service, entryPath: join(dir, service.entry), packageName: pkg.name });
  }
  return found.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}

/** The first requirement of a service that the environment does not meet, if any. */
export function missingRequirement(service: ServiceDeclaration, env: NodeJS.ProcessEnv): string | undefined {
  for (const requirement of service.requires ?? []) {
    const alternatives = requirement.split('|');
    if (!alternatives.some((name) => (env[name] ?? '') !== '')) return alternatives.join(' or ');
  }
  return undefined;
}
