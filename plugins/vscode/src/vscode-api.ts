import type * as vscode from 'vscode';

/**
 * The part of the `vscode` module the extension uses. Every handler receives it as a parameter
 * rather than importing `vscode`, so only `extension.ts` touches the real module and tests can hand
 * the handlers a fake of exactly this shape.
 */
export interface VscodeApi {
  readonly window: Pick<
    typeof vscode.window,
    | 'activeTextEditor'
    | 'showInformationMessage'
    | 'showWarningMessage'
    | 'showErrorMessage'
    | 'withProgress'
    | 'createStatusBarItem'
    | 'createOutputChannel'
    | 'showQuickPick'
    | 'showInputBox'
  >;
  readonly workspace: Pick<typeof vscode.workspace, 'getConfiguration'>;
  readonly commands: Pick<typeof vscode.commands, 'registerCommand' | 'executeCommand'>;
  readonly ProgressLocation: typeof vscode.ProgressLocation;
  readonly StatusBarAlignment: typeof vscode.StatusBarAlignment;
  readonly ConfigurationTarget: typeof vscode.ConfigurationTarget;
}

/** What the extension needs of VS Code's `ExtensionContext`. */
export type ExtensionContextLike = Pick<vscode.ExtensionContext, 'subscriptions' | 'secrets'>;
