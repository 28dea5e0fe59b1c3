import { readFileSync } from 'node:fs';
import type { InputBoxOptions, QuickPickItem, QuickPickOptions } from 'vscode';
import type { ExtensionContextLike, VscodeApi } from '../src/vscode-api.js';

/** A position in a document, as `vscode.Position`. */
export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}

  /** Negative, zero or positive as this comes before, at or after `other`. */
  compareTo(other: Position): number {
    return this.line - other.line || this.character - other.character;
  }
}

/** A range between two positions, start before end, as `vscode.Range`. */
export class Range {
  readonly start: Position;
  readonly end: Position;

  constructor(a: Position, b: Position) {
    [this.start, this.end] = a.compareTo(b) <= 0 ? [a, b] : [b, a];
  }

  get isEmpty(): boolean {
    return this.start.compareTo(this.end) === 0;
  }
}

/** A selection: a range with an anchor and an active end (the cursor), as `vscode.Selection`. */
export class Selection extends Range {
  readonly anchor: Position;
  readonly active: Position;

  constructor(anchor: Position, active: Position) {
    super(anchor, active);
    this.anchor = anchor;
    this.active = active;
  }

  /** A cursor with nothing selected. */
  static cursor(line: number, character = 0): Selection {
    return new Selection(new Position(line, character), new Position(line, character));
  }

  /** The whole of line `line` of `document`. */
  static line(document: FakeDocument, line: number): Selection {
    return new Selection(new Position(line, 0), new Position(line, document.lines[line]!.length));
  }
}

/** A text document: `getText` and `lineAt` over its lines. */
export class FakeDocument {
  readonly lines: string[];

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  getText(range?: Range): string {
    if (!range) return this.lines.join('\n');
    const { start, end } = range;
    if (start.line === end.line) return this.lines[start.line]!.slice(start.character, end.character);
    return [
      this.lines[start.line]!.slice(start.character),
      ...this.lines.slice(start.line + 1, end.line),
      this.lines[end.line]!.slice(0, end.character),
    ].join('\n');
  }

  lineAt(line: number): { lineNumber: number; text: string } {
    return { lineNumber: line, text: this.lines[line]! };
  }
}

/** A message shown with `show{Information,Warning,Error}Message`. */
export interface ShownMessage {
  readonly kind: 'information' | 'warning' | 'error';
  readonly text: string;
  readonly buttons: readonly string[];
}

/** A `withProgress` notification, with the Cancel button a person would press. */
export interface ShownProgress {
  readonly title: string;
  readonly cancellable: boolean;
  /** Presses Cancel. */
  cancel(): void;
  /** Settles when the task behind the notification has finished. */
  readonly done: Promise<void>;
}

/** A quick pick that was shown. */
export interface ShownQuickPick {
  readonly items: readonly QuickPickItem[];
  readonly options: QuickPickOptions | undefined;
}

/** A status-bar item. */
export class FakeStatusBarItem {
  text = '';
  tooltip: unknown = '';
  command: unknown;
  name: string | undefined;
  visible = false;
  disposed = false;

  constructor(
    readonly alignment: number,
    readonly priority: number | undefined,
  ) {}

  show(): void {
    this.visible = true;
  }

  hide(): void {
    this.visible = false;
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** An output channel that keeps its lines. */
export class FakeOutputChannel {
  readonly lines: string[] = [];
  shown = false;

  constructor(readonly name: string) {}

  appendLine(line: string): void {
    this.lines.push(line);
  }

  append(text: string): void {
    this.lines.push(text);
  }

  clear(): void {
    this.lines.length = 0;
  }

  show(): void {
    this.shown = true;
  }

  hide(): void {
    this.shown = false;
  }

  replace(text: string): void {
    this.lines.splice(0, this.lines.length, text);
  }

  dispose(): void {}

  /** Everything written, one string. */
  get text(): string {
    return this.lines.join('\n');
  }
}

type Listener<T> = (event: T) => unknown;

/** SecretStorage over a Map. */
export class FakeSecretStorage {
  readonly values = new Map<string, string>();
  private readonly listeners: Listener<{ key: string }>[] = [];

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    for (const l of this.listeners) l({ key });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    for (const l of this.listeners) l({ key });
    return Promise.resolve();
  }

  onDidChange = (listener: Listener<{ key: string }>) => {
    this.listeners.push(listener);
    return { dispose: () => this.listeners.splice(this.listeners.indexOf(listener), 1) };
  };
}

/** The defaults `contributes.configuration` declares, read from the extension's package.json. */
export function manifestDefaults(): Map<string, unknown> {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  return new Map(
    Object.entries(manifest.contributes.configuration.properties).map(([id, p]) => [id, p.default]),
  );
}

/** Settings the manifest keeps out of workspaces (`machine` or `application` scope), by full id. */
export function manifestUserOnlySettings(): Set<string> {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  return new Set(
    Object.entries(manifest.contributes.configuration.properties)
      .filter(([, p]) => p.scope === 'machine' || p.scope === 'application')
      .map(([id]) => id),
  );
}

/** How the fake treats setting scopes. */
export interface FakeVscodeOptions {
  /** `contributes.configuration` defaults; the manifest's by default. */
  readonly defaults?: Map<string, unknown>;
  /**
   * Whether `get` ignores workspace values of `machine`/`application` settings, as VS Code does
   * (default true). False plays an editor that does not enforce scopes, to show that the
   * extension does not rely on it alone.
   */
  readonly enforceScopes?: boolean;
}

/**
 * A small fake of the `vscode` module: what the extension calls, recording what it shows and
 * answering as the test scripts (buttons pressed, items picked, text typed, Cancel pressed).
 * Everything a module consumer reads is an own property, so the object also serves as the
 * `module.exports` of a fake `vscode` package for the bundled extension.
 */
export class FakeVscode {
  /** Every message shown, in order. */
  readonly messages: ShownMessage[] = [];
  /** Which button to press on a message; none (dismissed) by default. */
  respond: (message: ShownMessage) => string | undefined | Promise<string | undefined> = () => undefined;
  /** Every progress notification, in order. */
  readonly progress: ShownProgress[] = [];
  /** Called when a progress notification appears (to press Cancel, say). */
  onProgress: (progress: ShownProgress) => void = () => {};
  readonly quickPicks: ShownQuickPick[] = [];
  /** Which quick-pick item to choose; none (Escape) by default. */
  pick: (items: readonly QuickPickItem[]) => QuickPickItem | undefined = () => undefined;
  readonly inputBoxes: InputBoxOptions[] = [];
  /** What to type into an input box; Escape (`undefined`) by default. */
  type: (options: InputBoxOptions) => string | undefined = () => undefined;
  /** Every `executeCommand` call. */
  readonly executed: { command: string; args: unknown[] }[] = [];
  /** User settings by full id (`switchboard.model`). */
  readonly userSettings = new Map<string, unknown>();
  /** Workspace settings by full id; they win over user settings. */
  readonly workspaceSettings = new Map<string, unknown>();
  /** Every `update` of a setting. */
  readonly settingUpdates: { id: string; value: unknown; target: unknown }[] = [];
  readonly statusItems: FakeStatusBarItem[] = [];
  readonly channels: FakeOutputChannel[] = [];
  readonly handlers = new Map<string, (...args: unknown[]) => unknown>();
  readonly secrets = new FakeSecretStorage();
  readonly subscriptions: { dispose(): unknown }[] = [];
  private readonly defaults: Map<string, unknown>;
  private readonly userOnly: Set<string>;

  readonly ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
  readonly StatusBarAlignment = { Left: 1, Right: 2 };
  readonly ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
  readonly Position = Position;
  readonly Range = Range;
  readonly Selection = Selection;

  readonly window = {
    activeTextEditor: undefined as { document: FakeDocument; selections: Selection[] } | undefined,
    showInformationMessage: (text: string, ...buttons: string[]) => this.show('information', text, buttons),
    showWarningMessage: (text: string, ...buttons: string[]) => this.show('warning', text, buttons),
    showErrorMessage: (text: string, ...buttons: string[]) => this.show('error', text, buttons),
    withProgress: <R>(
      options: { title?: string; cancellable?: boolean },
      task: (progress: { report(value: unknown): void }, token: unknown) => Promise<R>,
    ): Promise<R> => this.runProgress(options, task),
    createStatusBarItem: (alignment?: number, priority?: number) => {
      const item = new FakeStatusBarItem(alignment ?? 1, priority);
      this.statusItems.push(item);
      return item;
    },
    createOutputChannel: (name: string) => {
      const channel = new FakeOutputChannel(name);
      this.channels.push(channel);
      return channel;
    },
    showQuickPick: async (
      items: readonly QuickPickItem[] | Promise<readonly QuickPickItem[]>,
      options?: QuickPickOptions,
    ) => {
      const list = await items;
      this.quickPicks.push({ items: list, options });
      return this.pick(list);
    },
    showInputBox: async (options: InputBoxOptions = {}) => {
      this.inputBoxes.push(options);
      const text = this.type(options);
      // VS Code does not accept the box while validateInput reports a problem.
      if (text !== undefined && options.validateInput && (await options.validateInput(text))) {
        throw new Error(`the input box refused "${text}"`);
      }
      return text;
    },
  };

  readonly workspace = {
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback?: T): T | undefined => {
        const id = `${section}.${key}`;
        const layers = this.userOnly.has(id)
          ? [this.userSettings, this.defaults]
          : [this.workspaceSettings, this.userSettings, this.defaults];
        for (const map of layers) {
          if (map.has(id)) return map.get(id) as T;
        }
        return fallback;
      },
      has: (key: string) => this.defaults.has(`${section}.${key}`),
      inspect: (key: string) => {
        const id = `${section}.${key}`;
        return {
          key: id,
          defaultValue: this.defaults.get(id),
          globalValue: this.userSettings.get(id),
          workspaceValue: this.workspaceSettings.get(id),
        };
      },
      update: async (key: string, value: unknown, target?: unknown) => {
        const id = `${section}.${key}`;
        this.settingUpdates.push({ id, value, target });
        (target === this.ConfigurationTarget.Workspace ? this.workspaceSettings : this.userSettings).set(
          id,
          value,
        );
      },
    }),
  };

  readonly commands = {
    registerCommand: (command: string, handler: (...args: unknown[]) => unknown) => {
      if (this.handlers.has(command)) throw new Error(`command '${command}' already exists`);
      this.handlers.set(command, handler);
      return { dispose: () => this.handlers.delete(command) };
    },
    executeCommand: async <T>(command: string, ...args: unknown[]): Promise<T> => {
      this.executed.push({ command, args });
      const handler = this.handlers.get(command);
      return (handler ? await handler(...args) : undefined) as T;
    },
  };

  constructor(options: FakeVscodeOptions = {}) {
    this.defaults = options.defaults ?? manifestDefaults();
    this.userOnly = options.enforceScopes === false ? new Set() : manifestUserOnlySettings();
  }

  /** This fake, typed as the API the extension's handlers take. */
  get api(): VscodeApi {
    return this as unknown as VscodeApi;
  }

  /** An extension context whose secrets are {@link FakeVscode.secrets}. */
  get context(): ExtensionContextLike {
    return { subscriptions: this.subscriptions, secrets: this.secrets } as unknown as ExtensionContextLike;
  }

  /** Opens `text` in the active editor with the given selections (the first line's cursor by default). */
  openEditor(text: string, selections?: (document: FakeDocument) => Selection[]): FakeDocument {
    const document = new FakeDocument(text);
    this.window.activeTextEditor = { document, selections: selections?.(document) ?? [Selection.cursor(0)] };
    return document;
  }

  /** Messages of one kind. */
  shown(kind: ShownMessage['kind']): ShownMessage[] {
    return this.messages.filter((m) => m.kind === kind);
  }

  /** The extension's output channel ("Switchboard"). */
  get log(): FakeOutputChannel {
    const channel = this.channels[0];
    if (!channel) throw new Error('no output channel was created');
    return channel;
  }

  private show(kind: ShownMessage['kind'], text: string, buttons: string[]): Promise<string | undefined> {
    const message = { kind, text, buttons };
    this.messages.push(message);
    return Promise.resolve(this.respond(message));
  }

  private runProgress<R>(
    options: { title?: string; cancellable?: boolean },
    task: (progress: { report(value: unknown): void }, token: unknown) => Promise<R>,
  ): Promise<R> {
    const listeners: Listener<void>[] = [];
    const token = {
      isCancellationRequested: false,
      onCancellationRequested: (listener: Listener<void>) => {
        listeners.push(listener);
        return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
      },
    };
    let settle: () => void = () => {};
    const entry: ShownProgress = {
      title: options.title ?? '',
      cancellable: options.cancellable === true,
      cancel: () => {
        if (!options.cancellable) throw new Error(`"${options.title}" has no Cancel button`);
        if (token.isCancellationRequested) return;
        token.isCancellationRequested = true;
        for (const l of [...listeners]) l();
      },
      done: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    this.progress.push(entry);
    this.onProgress(entry);
    return task({ report: () => {} }, token).finally(settle);
  }
}
