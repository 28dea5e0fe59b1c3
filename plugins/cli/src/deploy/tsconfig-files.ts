import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED } from './template-file.js';
import type { WorkspaceView } from './workspace-view.js';

interface PackageTsconfig {
  readonly compilerOptions?: { readonly outDir?: string; readonly emitDeclarationOnly?: boolean };
}

/** tsconfig files may hold comments; these are whole-line ones, which is all ours use. */
function readTsconfig(path: string): PackageTsconfig {
  const text = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as PackageTsconfig;
}

/**
 * The packages `pnpm build` compiles: those whose tsconfig.json emits JavaScript to `dist/`.
 * A new package is in the build (and so in `tsc -b`, `pnpm switchboard`'s rebuild and the image)
 * by having such a tsconfig.json, with no list to edit by hand.
 */
export function builtPackages(ws: WorkspaceView): string[] {
  return ws.packages
    .filter((p) => {
      const path = join(ws.root, p.dir, 'tsconfig.json');
      if (!existsSync(path)) return false;
      const options = readTsconfig(path).compilerOptions ?? {};
      return options.outDir === 'dist' && options.emitDeclarationOnly !== true;
    })
    .map((p) => p.dir);
}

function referencesFile(source: string, paths: readonly string[]): string {
  const body = JSON.stringify({ files: [], references: paths.map((path) => ({ path })) }, null, 2);
  return `// ${GENERATED}\n// (${source} lists the workspace packages that have a tsconfig.json; run pnpm deploy:gen).\n${body}\n`;
}

/** tsconfig.build.json: every built package, for `tsc -b tsconfig.build.json` (`pnpm build`). */
export function buildTsconfig(ws: WorkspaceView): string {
  return referencesFile('tsconfig.build.json', builtPackages(ws));
}

/**
 * tsconfig.json: what `pnpm typecheck` checks: the build, each package's tests (its
 * tsconfig.test.json), and the packages outside the build that type-check only (test/, the VS Code
 * extension).
 */
export function rootTsconfig(ws: WorkspaceView): string {
  const built = new Set(builtPackages(ws));
  const paths = ['tsconfig.build.json'];
  for (const p of ws.packages) {
    if (existsSync(join(ws.root, p.dir, 'tsconfig.test.json'))) paths.push(`${p.dir}/tsconfig.test.json`);
    else if (!built.has(p.dir) && existsSync(join(ws.root, p.dir, 'tsconfig.json'))) paths.push(p.dir);
  }
  return referencesFile('tsconfig.json', paths);
}
