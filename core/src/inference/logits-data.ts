import type { Tensor } from 'onnxruntime-node';
import { ModelLoadError } from '../errors.js';

/**
 * The logits of a run as 32-bit floats. onnxruntime-node hands fp16 tensors (the output of
 * `model_fp16.onnx` exports) over as their raw bits in a Uint16Array, which read as numbers would
 * be nonsense, so they are widened here.
 */
export function logitsAsFloat32(logits: Tensor, file: string): Float32Array {
  if (logits.type === 'float32') return logits.data as Float32Array;
  if (logits.type === 'float16') return halfBitsToFloat32(logits.data as Uint16Array);
  if (logits.type === 'float64') return Float32Array.from(logits.data as Float64Array);
  throw new ModelLoadError(file, `gives logits of type ${logits.type}; expected float32 or float16`);
}

/** Widens IEEE 754 half-precision bit patterns to 32-bit floats. */
export function halfBitsToFloat32(bits: Uint16Array | ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = Number(bits[i]);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 0x1f) out[i] = fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}
