import { ApiKeyStore } from './api-key-store.js';
import { chooseModel } from './choose-model.js';
import { classifySelection } from './classify-selection.js';
import { COMMANDS } from './command-ids.js';
import type { ExtensionServices } from './extension-services.js';
import { OUTPUT_CHANNEL_NAME, OutputLog } from './output-log.js';
import { ResultStatus } from './result-status.js';
import { setApiKey } from './set-api-key.js';
import type { ExtensionContextLike, VscodeApi } from './vscode-api.js';

/**
 * Sets the extension up on `api` (the real `vscode` module, or a test's fake): the output channel,
 * the status-bar item and the four commands, all disposed with the extension.
 */
export function activateExtension(api: VscodeApi, context: ExtensionContextLike): ExtensionServices {
  const channel = api.window.createOutputChannel(OUTPUT_CHANNEL_NAME);
  const status = new ResultStatus(api);
  const services: ExtensionServices = {
    api,
    keys: new ApiKeyStore(context.secrets),
    log: new OutputLog(channel),
    status,
  };
  context.subscriptions.push(
    channel,
    status,
    api.commands.registerCommand(COMMANDS.classifySelection, () => classifySelection(services)),
    api.commands.registerCommand(COMMANDS.chooseModel, () => chooseModel(services)),
    api.commands.registerCommand(COMMANDS.setApiKey, () => setApiKey(services)),
    api.commands.registerCommand(COMMANDS.showLog, () => services.log.show()),
  );
  return services;
}
