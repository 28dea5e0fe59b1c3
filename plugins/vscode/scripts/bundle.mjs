// Bundles the extension into dist/extension.js: one CommonJS file (VS Code loads extensions with
// require) holding @switchboard/client, with `vscode` left to the editor to provide.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);

await build({
  absWorkingDir: root.pathname,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.90, the oldest the manifest accepts, runs extensions on Node 20.
  target: 'node20',
  external: ['vscode'],
  sourcemap: false,
  logLevel: 'warning',
});
