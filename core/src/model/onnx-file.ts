import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../errors.js';
import type { SwitchboardSpec } from './model-spec.js';

/**
 * The graph files the loader looks for, in order of preference: full precision first (what
 * `optimum` exports), then the int8 files that `optimum` and transformers.js write beside it or
 * alone, then fp16 (slower than fp32 on most CPUs). `switchboard.json` `model_file` overrides.
 */
export const ONNX_FILE_PREFERENCE = [
  'model.onnx',
  'onnx/model.onnx',
  'model_quantized.onnx',
  'onnx/model_quantized.onnx',
  'onnx/model_int8.onnx',
  'onnx/model_fp16.onnx',
] as const;

/** The absolute path of a folder's graph; throws {@link ModelLoadError} naming what was looked for. */
export function findOnnxFile(root: string, spec: SwitchboardSpec): string {
  if (spec.model_file !== undefined) {
    const named = join(root, spec.model_file);
    if (!existsSync(named))
      throw new ModelLoadError(named, 'missing file (switchboard.json names it as model_file)');
    return named;
  }
  for (const file of ONNX_FILE_PREFERENCE) {
    const path = join(root, file);
    if (existsSync(path)) return path;
  }
  throw new ModelLoadError(
    join(root, ONNX_FILE_PREFERENCE[0]),
    `missing file (also looked for ${ONNX_FILE_PREFERENCE.slice(1).join(', ')})`,
  );
}
