import type { ModelInfo } from '@switchboard/client';
import type { QuickPickItem } from 'vscode';
import { withCancellableProgress } from './cancellable-progress.js';
import { createClient } from './create-client.js';
import type { ExtensionServices } from './extension-services.js';
import { runWithAdvice } from './run-with-advice.js';
import { storeModel } from './settings.js';

/** One entry of the model quick pick. */
interface ModelItem extends QuickPickItem {
  readonly model: ModelInfo;
}

/**
 * Switchboard: Choose Model. Lists the server's models (labels, version, description) in a quick
 * pick and stores the choice in `switchboard.model`. Resolves to true when a model was chosen.
 */
export async function chooseModel(services: ExtensionServices): Promise<boolean> {
  const { api, log } = services;
  let chosen = false;
  await runWithAdvice(services, 'models', async (settings, apiKey) => {
    const outcome = await withCancellableProgress(
      api,
      `Switchboard: asking ${settings.serverUrl} for its models…`,
      (signal) => createClient(settings, apiKey, signal).models(),
    );
    if (outcome.cancelled) return 'cancelled';
    const list = outcome.value;
    for (const broken of list.unavailable) {
      log.line(
        `Model folder "${broken.name}" cannot be loaded by the server (${broken.file}): ${broken.error}`,
      );
    }
    if (list.models.length === 0) {
      void api.window.showWarningMessage(
        `Switchboard: the server at ${settings.serverUrl} has no usable model. Add a model folder to its model repository (SWITCHBOARD_MODELS); the log lists the folders it cannot load.`,
      );
      return 'done';
    }
    const items: ModelItem[] = list.models.map((m) => {
      const notes = [
        `v${m.version}`,
        ...(m.name === settings.model ? ['current'] : []),
        ...(m.name === list.default ? ['server default'] : []),
      ];
      return {
        label: m.name,
        description: notes.join(' · '),
        detail: `${m.labels.join(', ')}${m.description ? ` — ${m.description}` : ''}`,
        model: m,
      };
    });
    const pick = await api.window.showQuickPick(items, {
      title: 'Switchboard: Choose Model',
      placeHolder: `Model for Classify Selection (now: ${settings.model})`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return 'done';
    await storeModel(api, pick.model.name);
    chosen = true;
    log.line(
      `Model set to ${pick.model.name} ${pick.model.version} (labels: ${pick.model.labels.join(', ')}).`,
    );
    void api.window.showInformationMessage(
      `Switchboard: Classify Selection now uses ${pick.model.name} (v${pick.model.version}: ${pick.model.labels.join(', ')}).`,
    );
    return 'done';
  });
  return chosen;
}
