import { ModelCatalog, modelsDir } from '@switchboard/core';
import type { Command } from 'commander';
import {
  type BrokenSummary,
  type ModelSummary,
  modelListJson,
  modelListTable,
} from '../format-model-list.js';
import { serverModels } from '../server-models.js';
import { registerModelsAddCommand } from './models-add.js';

/** Options of `switchboard models`. */
export interface ModelsOptions {
  json?: boolean;
  modelsDir?: string;
  server?: string;
  apiKey?: string;
}

const HELP = `
Lists every model of the repository, one line per version (models/<name>/<version>/; the
version a bare name runs on is marked "(default)"): name, labels, version, encoder (tokenizer or
featurizer), size and description; folders that cannot be loaded come after, with the reason.
Address a version as name@version anywhere a model is named.
Reads metadata only (no model is loaded). With --server URL, lists the models of a Switchboard
HTTP server instead (GET /v1/models; key from --api-key or SWITCHBOARD_API_KEY).

With --json, an array with one object per folder:
  {"name", "status": "ok", "labels", "multiLabel", "version" (the default), "encoder",
   "maxInputTokens", "sizeBytes", "description",
   "versions": [{"version", "default", "labels", "encoder", "sizeBytes", "description"}]}
  or  {"name" (name or name@version), "status": "broken", "file", "error"}
`;

/** Registers `switchboard models`. */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('List the models of the model repository.')
    .option('--json', 'print a JSON array (see below)')
    .option('--models-dir <dir>', 'model repository folder (default: $SWITCHBOARD_MODELS, else models/)')
    .option('--server <url>', 'list the models of a Switchboard HTTP server')
    .option('--api-key <key>', 'with --server: API key (default: $SWITCHBOARD_API_KEY)')
    .addHelpText('after', HELP)
    .action(async (options: ModelsOptions) => {
      const catalog = new ModelCatalog(options.modelsDir ?? modelsDir());
      const apiKey = options.apiKey ?? process.env.SWITCHBOARD_API_KEY;
      const { models, broken } =
        options.server !== undefined
          ? await serverModels({ url: options.server, apiKey, timeoutMs: 30_000 })
          : await localModels(catalog);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(modelListJson(models, broken), null, 2)}\n`);
      } else if (models.length === 0 && broken.length === 0) {
        process.stdout.write(
          `No models in ${options.server ?? catalog.root}. Train one with "pnpm switchboard train" or copy a Hugging Face ONNX export folder there.\n`,
        );
      } else {
        process.stdout.write(modelListTable(models, broken));
      }
    });
  registerModelsAddCommand(models);
}

async function localModels(
  catalog: ModelCatalog,
): Promise<{ models: ModelSummary[]; broken: BrokenSummary[] }> {
  const entries = await catalog.entries();
  const models: ModelSummary[] = [];
  for (const e of entries) {
    const chosen = e.versions.find((m) => m.version === e.defaultVersion);
    if (!chosen) continue;
    models.push({
      ...chosen,
      name: e.name,
      versions: e.versions.map((m) => ({ ...m, isDefault: m === chosen })),
    });
  }
  return { models, broken: entries.flatMap((e) => e.broken) };
}
