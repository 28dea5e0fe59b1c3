import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the pages load, kept in memory (there are few and they are small). */
export interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
}

const require = createRequire(import.meta.url);
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');
const UPLOT_DIR = dirname(require.resolve('uplot/dist/uPlot.esm.js'));

/** Served name to file; the chart library comes from node_modules (no CDN: machines may be offline). */
const FILES: Record<string, { path: string; type: string }> = {
  'overview.js': { path: join(PUBLIC_DIR, 'overview.js'), type: 'text/javascript; charset=utf-8' },
  'style.css': { path: join(PUBLIC_DIR, 'style.css'), type: 'text/css; charset=utf-8' },
  'uplot.esm.js': { path: join(UPLOT_DIR, 'uPlot.esm.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.min.css': { path: join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Reads every asset; a missing file stops the start with its path. */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [name, file] of Object.entries(FILES)) {
    try {
      assets.set(name, { body: await readFile(file.path), type: file.type });
    } catch (err) {
      throw new Error(
        `Dashboard asset ${file.path} cannot be read (${(err as Error).message}); reinstall the package.`,
      );
    }
  }
  return assets;
}
