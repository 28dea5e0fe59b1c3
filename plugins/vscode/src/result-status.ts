import type { StatusBarItem } from 'vscode';
import { COMMANDS } from './command-ids.js';
import type { VscodeApi } from './vscode-api.js';

/** The status-bar item: the last result at a glance; clicking it opens the log with the details. */
export class ResultStatus {
  private readonly item: StatusBarItem;

  constructor(api: VscodeApi) {
    this.item = api.window.createStatusBarItem(api.StatusBarAlignment.Right, 100);
    this.item.name = 'Switchboard';
    this.item.command = COMMANDS.showLog;
    this.item.text = '$(tag) Switchboard';
    this.item.tooltip = 'Switchboard: no result yet. Run "Switchboard: Classify Selection".';
    this.item.show();
  }

  /** Shows `text` (short: it shares the status bar) with `tooltip` for the whole result. */
  showResult(text: string, tooltip: string): void {
    this.item.text = `$(tag) ${text}`;
    this.item.tooltip = `${tooltip}\nClick for the details in the Switchboard log.`;
  }

  /** Removes the item. */
  dispose(): void {
    this.item.dispose();
  }
}
