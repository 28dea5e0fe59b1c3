import { existsSync, statSync } from 'node:fs';
import { ModelCatalog, modelsDir, readModelFolder } from '@switchboard/core';
import type { Command } from 'commander';
import { formatBytes } from '../format-bytes.js';

/** Options of `switchboard quantize`. */
export interface QuantizeCommandOptions {
  model: string;
  out: string;
  perTensor?: boolean;
  modelsDir?: string;
}

const HELP = `
Writes a dynamically quantized (int8) copy of a model, as onnxruntime's quantize_dynamic does:
MatMul and Gemm weights become int8 (one scale per output column; --per-tensor for one per
matrix), activations are quantized per run, and embedding tables of 1 MB or more are stored as
int8 rows with a scale each. The copy is a normal model folder with model_quantized.onnx: add it
with "switchboard models add OUT --name NAME --version V" or point anything at it.

--model is a folder path, or a model of the repository (name or name@version).
`;

/** Registers `switchboard quantize`. */
export function registerQuantizeCommand(program: Command): void {
  program
    .command('quantize')
    .description('Write an int8 (dynamically quantized) copy of a model.')
    .requiredOption('--model <name-or-path>', 'model folder, or name / name@version in the repository')
    .requiredOption('--out <path>', 'new folder for the quantized copy')
    .option('--per-tensor', 'one scale per weight matrix instead of one per output column')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .addHelpText('after', HELP)
    .action(async (options: QuantizeCommandOptions) => {
      const { quantizeModelFolder } = await import('@switchboard/train');
      const isFolder = existsSync(options.model) && statSync(options.model).isDirectory();
      const manifest = isFolder
        ? await readModelFolder(options.model)
        : await new ModelCatalog(options.modelsDir ?? modelsDir()).get(options.model);
      const done = await quantizeModelFolder(manifest, options.out, { perChannel: !options.perTensor });
      const { report } = done;
      process.stdout.write(
        `Wrote ${done.onnxPath}: ${report.matmuls} MatMul/Gemm weights and ${report.embeddings} embedding tables in int8; graph ${formatBytes(done.bytesBefore)} → ${formatBytes(done.bytesAfter)} (${(done.bytesAfter / done.bytesBefore).toFixed(2)}×).\n`,
      );
    });
}
