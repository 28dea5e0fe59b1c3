/** The extension's command ids, as declared in `contributes.commands`. */
export const COMMANDS = {
  classifySelection: 'switchboard.classifySelection',
  chooseModel: 'switchboard.chooseModel',
  setApiKey: 'switchboard.setApiKey',
  showLog: 'switchboard.showLog',
} as const;

/** VS Code's own command that opens the Settings editor filtered by its argument. */
export const OPEN_SETTINGS_COMMAND = 'workbench.action.openSettings';
