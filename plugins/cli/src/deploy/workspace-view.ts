import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FoundService, findServices, type WorkspacePackage, workspacePackages } from '@switchboard/core';

/** What the generators read: the workspace's packages and declared services. */
export interface WorkspaceView {
  readonly root: string;
  readonly packages: readonly WorkspacePackage[];
  /** Declared services in start order. */
  readonly services: readonly FoundService[];
  /** Packages whose folders .dockerignore leaves out of the image (only their manifests go in). */
  readonly notInImage: readonly WorkspacePackage[];
  /** The package that provides the `switchboard` command, and its bin path from the root. */
  readonly cli: { readonly pkg: WorkspacePackage; readonly bin: string };
}

/** Reads the workspace at `root`. */
export function readWorkspace(root: string): WorkspaceView {
  const packages = workspacePackages(root);
  const ignored = new Set(
    readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim()),
  );
  const cliPkg = packages.find((p) => p.manifest.bin?.switchboard);
  if (!cliPkg) throw new Error('no workspace package provides the `switchboard` bin');
  return {
    root,
    packages,
    services: findServices(root),
    notInImage: packages.filter((p) => ignored.has(p.dir)),
    cli: { pkg: cliPkg, bin: `${cliPkg.dir}/${cliPkg.manifest.bin!.switchboard!.replace(/^\.\//, '')}` },
  };
}
