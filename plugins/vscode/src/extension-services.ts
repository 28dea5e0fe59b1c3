import type { ApiKeyStore } from './api-key-store.js';
import type { OutputLog } from './output-log.js';
import type { ResultStatus } from './result-status.js';
import type { VscodeApi } from './vscode-api.js';

/** What every command handler works with: the VS Code API and the extension's long-lived parts. */
export interface ExtensionServices {
  readonly api: VscodeApi;
  readonly keys: ApiKeyStore;
  readonly log: OutputLog;
  readonly status: ResultStatus;
}
