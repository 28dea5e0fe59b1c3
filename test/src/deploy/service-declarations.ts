import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './repo-files.js';
import { readYamlDocument } from './yaml-documents.js';

/** A package of the workspace, as pnpm-workspace.yaml finds it. */
export interface WorkspacePackage {
  /** Repository-relative folder, e.g. `plugins/http`. */
  readonly dir: string;
  readonly manifest: {
    name: string;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    switchboard?: { service?: { name: string; entry: string } };
  };
}

/** A `switchboard.service` block: a long-running process the deployment must run. */
export interface ServiceDeclaration {
  readonly name: string;
  /** Repository-relative path of its entry file. */
  readonly entry: string;
  readonly packageDir: string;
}

/** Every package the workspace globs of pnpm-workspace.yaml match (`dir` or `dir/*`). */
export function workspacePackages(): WorkspacePackage[] {
  const workspace = readYamlDocument('pnpm-workspace.yaml') as { packages: string[] };
  const dirs: string[] = [];
  for (const glob of workspace.packages) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      for (const d of readdirSync(repoPath(parent), { withFileTypes: true }))
        if (d.isDirectory()) dirs.push(`${parent}/${d.name}`);
    } else {
      dirs.push(glob);
    }
  }
  return dirs
    .filter((dir) => existsSync(repoPath(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(repoPath(dir, 'package.json'), 'utf8')) }));
}

/** The services declared in package.json files, by name. */
export function serviceDeclarations(): Map<string, ServiceDeclaration> {
  const services = new Map<string, ServiceDeclaration>();
  for (const pkg of workspacePackages()) {
    const service = pkg.manifest.switchboard?.service;
    if (!service) continue;
    services.set(service.name, {
      name: service.name,
      entry: join(pkg.dir, service.entry),
      packageDir: pkg.dir,
    });
  }
  return services;
}
