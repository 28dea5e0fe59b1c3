/**
 * The Switchboard VS Code extension's entry point: the only module that imports `vscode`.
 * @packageDocumentation
 */
import * as vscode from 'vscode';
import { activateExtension } from './activate-extension.js';

/** Called by VS Code on the first use of one of the extension's commands. */
export function activate(context: vscode.ExtensionContext): void {
  activateExtension(vscode, context);
}

/** Nothing to do: everything the extension holds is in `context.subscriptions`, which VS Code disposes. */
export function deactivate(): void {}
