import {
  type FoundService,
  findServices,
  workspacePackages as packagesOf,
  type WorkspacePackage,
} from '@switchboard/core';
import { REPO_ROOT } from './repo-files.js';

export type { WorkspacePackage };

/** A declared service, with its entry relative to the repository root (e.g. `plugins/http/src/http-main.ts`). */
export interface ServiceDeclaration extends FoundService {
  /** Repository-relative path of its entry file. */
  readonly entry: string;
}

/** Every package the workspace globs of pnpm-workspace.yaml match (`dir` or `dir/*`). */
export function workspacePackages(): WorkspacePackage[] {
  return packagesOf(REPO_ROOT);
}

/** The services declared in package.json files, by name (read and checked as the stack reads them). */
export function serviceDeclarations(): Map<string, ServiceDeclaration> {
  return new Map(findServices(REPO_ROOT).map((s) => [s.name, { ...s, entry: s.entryFromRoot }]));
}
