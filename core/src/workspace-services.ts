import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServiceDeclaration, type ServiceDeclaration } from './service-declaration.js';

/** A package of the workspace, as pnpm-workspace.yaml lists it. */
export interface WorkspacePackage {
  /** Folder relative to the workspace root, with `/` separators (e.g. `plugins/http`). */
  readonly dir: string;
  /** Its package.json, parsed. */
  readonly manifest: {
    readonly name: string;
    readonly bin?: Readonly<Record<string, string>>;
    readonly switchboard?: { readonly service?: unknown };
    readonly [key: string]: unknown;
  };
}

/** A declared service, with where it lives. */
export interface FoundService extends ServiceDeclaration {
  /** Absolute path of the entry file. */
  readonly entryPath: string;
  /** Entry path relative to the workspace root (e.g. `plugins/http/src/http-main.ts`). */
  readonly entryFromRoot: string;
  /** The package it belongs to. */
  readonly packageName: string;
  /** Its folder relative to the workspace root. */
  readonly packageDir: string;
}

/**
 * The `packages:` globs of pnpm-workspace.yaml. Only the forms this workspace uses are understood
 * (`dir` and `dir/*`); anything else is an error rather than a silently missed package.
 * @throws Error when the file is missing or holds a glob of another form
 */
export function workspaceGlobs(root: string): string[] {
  const file = join(root, 'pnpm-workspace.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => /^packages:\s*$/.test(line));
  if (start < 0) throw new Error(`${file}: no "packages:" list`);
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+["']?([^"'#\s]+)["']?\s*(#.*)?$/.exec(line);
    if (!item) break;
    const glob = item[1]!;
    if (!/^[\w.-]+(\/[\w.-]+)*(\/\*)?$/.test(glob))
      throw new Error(`${file}: package glob "${glob}" is not of the form dir or dir/*`);
    globs.push(glob);
  }
  return globs;
}

/** Every package of the workspace, in the order of its globs (folders sorted within one glob). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const dirs: string[] = [];
  for (const glob of workspaceGlobs(root)) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      const children = readdirSync(join(root, parent), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${parent}/${d.name}`)
        .sort();
      dirs.push(...children);
    } else {
      dirs.push(glob);
    }
  }
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }));
}

/**
 * Every service the workspace declares, checked and sorted by start order, then name. The stack
 * and the deployment generator learn about channels this way instead of importing them.
 * @throws Error naming the package.json of an invalid block, or two packages declaring one name
 */
export function findServices(root: string): FoundService[] {
  const found: FoundService[] = [];
  for (const pkg of workspacePackages(root)) {
    const block = pkg.manifest.switchboard?.service;
    if (block === undefined) continue;
    const service = parseServiceDeclaration(block, `${pkg.dir}/package.json`);
    const twin = found.find((s) => s.name === service.name);
    if (twin)
      throw new Error(
        `${pkg.dir}/package.json: service "${service.name}" is already declared by ${twin.packageDir}/package.json`,
      );
    found.push({
      ...service,
      entryPath: join(root, pkg.dir, service.entry),
      entryFromRoot: `${pkg.dir}/${service.entry}`,
      packageName: pkg.manifest.name,
      packageDir: pkg.dir,
    });
  }
  return found.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}

/** The first requirement of a service that the environment does not meet (`A or B`), if any. */
export function missingRequirement(service: ServiceDeclaration, env: NodeJS.ProcessEnv): string | undefined {
  for (const requirement of service.requires ?? []) {
    const alternatives = requirement.split('|');
    if (!alternatives.some((name) => (env[name] ?? '') !== '')) return alternatives.join(' or ');
  }
  return undefined;
}

/**
 * Node options for a declared entry: none. Entries are compiled JavaScript (`dist/`), run with plain
 * `node` and without the launching process's own flags (an --inspect port would clash).
 */
export function entryExecArgv(_entryPath: string): string[] {
  return [];
}
