import { modelsDir } from '@switchboard/core';
import type { Command } from 'commander';

/** Options of `switchboard models add`. */
export interface ModelsAddOptions {
  name?: string;
  version?: string;
  default?: boolean;
  modelsDir?: string;
}

const HELP = `
Adds a Hugging Face model folder (or one Switchboard trained) to the model repository as
models/<name>/<version>/. The folder is checked first: it is loaded with onnxruntime and must
classify one text. It is then copied under a hidden temporary name and renamed into place, so a
worker never sees half a folder; running workers pick it up within SWITCHBOARD_MODEL_POLL_MS
(default 5 s), load and check it, and only then route jobs to it. A model that is still one
folder (models/<name>/config.json) is first moved to models/<name>/<its version>/.

The newest version is what a bare name runs on, unless the model's own switchboard.json pins
"default_version" (--default writes that pin). Any version stays reachable as name@version.

Version: --version, else the folder's switchboard.json "version", else the next whole number.
`;

/** Registers `switchboard models add PATH`. */
export function registerModelsAddCommand(models: Command): void {
  models
    .command('add')
    .description('Check a model folder and add it to the repository as a new version.')
    .argument('<path>', 'the model folder (config.json, tokenizer or featurizer, ONNX graph)')
    .option('--name <name>', 'model name (default: the folder name)')
    .option('--version <version>', 'version (see below)')
    .option('--default', 'make it the default version (pins default_version)')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .addHelpText('after', HELP)
    .action(async (path: string, _options: ModelsAddOptions, command: Command) => {
      // --models-dir belongs to `models` too; commander hands it to whichever comes first.
      const options = command.optsWithGlobals<ModelsAddOptions>();
      // onnxruntime is loaded only for this subcommand: `switchboard models` stays light.
      const { addModelVersion } = await import('@switchboard/core/inference');
      const root = options.modelsDir ?? modelsDir();
      const added = await addModelVersion(root, path, {
        name: options.name,
        version: options.version,
        makeDefault: options.default === true,
      });
      const { manifest } = added;
      if (added.converted !== undefined) {
        process.stdout.write(
          `Moved the existing ${manifest.name} to ${manifest.name}/${added.converted}/ (the versioned layout).\n`,
        );
      }
      process.stdout.write(
        `Added ${manifest.ref} at ${manifest.dir} (labels ${manifest.labels.join(', ')}; check text → ${added.checkLabel}).${options.default ? ` It is now the default of ${manifest.name}.` : ''}\n`,
      );
      for (const warning of manifest.warnings) process.stdout.write(`warning: ${warning}\n`);
    });
}
