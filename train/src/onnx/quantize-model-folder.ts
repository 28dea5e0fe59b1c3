import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { InputError, type ModelManifest } from '@switchboard/core';
import { type QuantizeOptions, type QuantizeReport, quantizeModel } from './quantize-model.js';

/** The graph file a quantized copy gets: the name optimum and transformers.js use. */
export const QUANTIZED_FILE = 'model_quantized.onnx';

/** What {@link quantizeModelFolder} wrote. */
export interface QuantizedFolder {
  readonly dir: string;
  readonly onnxPath: string;
  readonly report: QuantizeReport;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * Writes a quantized copy of a model folder to `out`: every file but the graph is copied as is,
 * the graph is quantized (see {@link quantizeModel}) into `model_quantized.onnx`, which the loader
 * finds by itself, and `switchboard.json` records how it was made.
 */
export async function quantizeModelFolder(
  manifest: ModelManifest,
  out: string,
  options: QuantizeOptions = {},
): Promise<QuantizedFolder> {
  const dir = resolve(out);
  if (
    dir === manifest.dir ||
    dir.startsWith(`${manifest.dir}${sep}`) ||
    manifest.dir.startsWith(`${dir}${sep}`)
  )
    throw new InputError(`--out ${dir} must be outside the model folder ${manifest.dir}`, 'out');
  if (existsSync(dir)) throw new InputError(`--out ${dir} already exists; choose a new folder`, 'out');
  const graph = await readFile(manifest.onnxPath);
  const { bytes, report } = quantizeModel(graph, options);
  const graphFile = relative(manifest.dir, manifest.onnxPath);
  await mkdir(dir, { recursive: true });
  try {
    await cp(manifest.dir, dir, {
      recursive: true,
      dereference: true,
      // Every graph stays behind: the copy must not prefer a leftover fp32 file to the int8 one.
      filter: (src) => !src.endsWith('.onnx') && !src.endsWith('.onnx_data'),
    });
    const onnxPath = join(dir, QUANTIZED_FILE);
    await writeFile(onnxPath, bytes);
    const specPath = join(dir, 'switchboard.json');
    const spec = existsSync(specPath)
      ? (JSON.parse(await readFile(specPath, 'utf8')) as Record<string, unknown>)
      : {};
    delete spec.model_file;
    spec.quantization = {
      method: 'dynamic int8 (weights symmetric int8; activations uint8, quantized per run)',
      per_channel: options.perChannel ?? true,
      source: graphFile,
      matmuls: report.matmuls,
      embeddings: report.embeddings,
    };
    await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
    return { dir, onnxPath, report, bytesBefore: graph.length, bytesAfter: bytes.length };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
