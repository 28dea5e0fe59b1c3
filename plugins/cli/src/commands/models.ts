import { ModelCatalog, modelsDir } from '@switchboard/core';
import type { Command } from 'commander';
import { modelListJson, modelListTable } from '../format-model-list.js';

/** Options of `switchboard models`. */
export interface ModelsOptions {
  json?: boolean;
  modelsDir?: string;
}

const HELP = `
Lists every model folder of the repository: name, labels, version, encoder (tokenizer or
featurizer), size and description; folders that cannot be loaded come after, with the reason.
Reads metadata only (no model is loaded).

With --json, an array with one object per folder:
  {"name", "status": "ok", "labels", "multiLabel", "version", "encoder", "maxInputTokens",
   "sizeBytes", "description"}  or  {"name", "status": "broken", "file", "error"}
`;

/** Registers `switchboard models`. */
export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description('List the models of the model repository.')
    .option('--json', 'print a JSON array (see below)')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .addHelpText('after', HELP)
    .action(async (options: ModelsOptions) => {
      const catalog = new ModelCatalog(options.modelsDir ?? modelsDir());
      const { models, broken } = await catalog.list();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(modelListJson(models, broken), null, 2)}\n`);
      } else if (models.length === 0 && broken.length === 0) {
        process.stdout.write(
          `No models in ${catalog.root}. Train one with "pnpm switchboard train" or copy a Hugging Face ONNX export folder there.\n`,
        );
      } else {
        process.stdout.write(modelListTable(models, broken));
      }
    });
}
