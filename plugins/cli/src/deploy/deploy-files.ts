import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeFile } from './compose-file.js';
import { envExample } from './env-example.js';
import { dockerfile, entrypoint, healthcheck } from './image-files.js';
import {
  configMap,
  kubernetesServices,
  kustomization,
  secretExample,
  serviceManifest,
} from './k8s-manifests.js';
import { GENERATED } from './template-file.js';
import { buildTsconfig, rootTsconfig } from './tsconfig-files.js';
import { readWorkspace } from './workspace-view.js';

/** Where Kubernetes manifests live; the generator owns the per-service files in it. */
const K8S_DIR = 'deploy/k8s';

/**
 * Every file `pnpm deploy:gen` writes, by path relative to the workspace root, from the
 * `switchboard.service` blocks and the templates of deploy/templates.
 * @throws Error naming an invalid service block or a broken template
 */
export function generateDeployFiles(root: string): Map<string, string> {
  const ws = readWorkspace(root);
  const files = new Map<string, string>([
    ['Dockerfile', dockerfile(ws)],
    ['deploy/docker-entrypoint.sh', entrypoint(ws)],
    ['deploy/healthcheck.mjs', healthcheck(ws)],
    ['docker-compose.yml', composeFile(ws)],
    ['.env.example', envExample(ws)],
    [`${K8S_DIR}/configmap.yaml`, configMap(ws)],
    [`${K8S_DIR}/secret.example.yaml`, secretExample(ws)],
    [`${K8S_DIR}/kustomization.yaml`, kustomization(ws)],
    ['tsconfig.build.json', buildTsconfig(ws)],
    ['tsconfig.json', rootTsconfig(ws)],
  ]);
  for (const s of kubernetesServices(ws)) files.set(`${K8S_DIR}/${s.name}.yaml`, serviceManifest(s));
  return files;
}

/** Generated service manifests whose service no longer exists (a removed package). */
function orphans(root: string, files: ReadonlyMap<string, string>): string[] {
  const dir = join(root, K8S_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => `${K8S_DIR}/${name}`)
    .filter((path) => !files.has(path) && readFileSync(join(root, path), 'utf8').includes(GENERATED));
}

/** What differs between the generated files and the ones on disk. */
export interface DeployFilesDrift {
  /** Files whose content is not what generation gives (or that are missing). */
  readonly stale: readonly string[];
  /** Generated manifests of services that are no longer declared. */
  readonly orphaned: readonly string[];
}

/** Compares the files on disk with what generation gives, writing nothing. */
export function checkDeployFiles(root: string): DeployFilesDrift {
  const files = generateDeployFiles(root);
  const stale = [...files].filter(([path, text]) => {
    const file = join(root, path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== text;
  });
  return { stale: stale.map(([path]) => path), orphaned: orphans(root, files) };
}

/** Writes every generated file (and removes orphaned manifests); returns the paths it changed. */
export function writeDeployFiles(root: string): string[] {
  const files = generateDeployFiles(root);
  const changed: string[] = [];
  for (const [path, text] of files) {
    const file = join(root, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    writeFileSync(file, text);
    changed.push(path);
  }
  for (const path of orphans(root, files)) {
    rmSync(join(root, path));
    changed.push(path);
  }
  return changed;
}
