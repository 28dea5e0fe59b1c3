import type { ClassifyResponse } from '@switchboard/client';
import { withCancellableProgress } from './cancellable-progress.js';
import { createClient } from './create-client.js';
import { BUTTONS } from './error-advice.js';
import type { ExtensionServices } from './extension-services.js';
import { excerpt, formatScores, summarizeTopLabels } from './format-result.js';
import { runWithAdvice } from './run-with-advice.js';
import { type SelectedText, selectedTexts } from './selection-texts.js';

/** Shown when the command runs with no editor open. */
export const NO_EDITOR_MESSAGE =
  'Switchboard: no editor is active. Open a file, select the text to classify and run the command again.';

/** Shown when the selections (or the cursor lines) hold only blanks. */
export const NOTHING_SELECTED_MESSAGE =
  'Switchboard: nothing to classify. Select some text, or put the cursor on a line that has text.';

/**
 * Switchboard: Classify Selection. Every non-empty selection is one text (the cursor's line when
 * nothing is selected); all go to the server as one batch under a cancellable progress
 * notification, and the result comes back as a notification, in the status bar and in the log.
 */
export async function classifySelection(services: ExtensionServices): Promise<void> {
  const { api } = services;
  const editor = api.window.activeTextEditor;
  if (!editor) {
    void api.window.showWarningMessage(NO_EDITOR_MESSAGE);
    return;
  }
  const texts = selectedTexts(editor);
  if (texts.length === 0) {
    void api.window.showWarningMessage(NOTHING_SELECTED_MESSAGE);
    return;
  }
  const what = texts.length === 1 ? 'the selection' : `${texts.length} selections`;
  await runWithAdvice(services, 'classify', async (settings, apiKey) => {
    const outcome = await withCancellableProgress(
      api,
      `Switchboard: classifying ${what} with ${settings.model}…`,
      (signal) =>
        createClient(settings, apiKey, signal).classify(
          texts.map((t) => t.text),
          { model: settings.model },
        ),
    );
    if (outcome.cancelled) {
      services.log.line(`Cancelled: classifying ${what} with ${settings.model}.`);
      return 'cancelled';
    }
    report(services, texts, outcome.value);
    return 'done';
  });
}

/** Shows a finished classification: notification, status bar and a line per text in the log. */
function report(services: ExtensionServices, texts: readonly SelectedText[], res: ClassifyResponse): void {
  const { api, log, status } = services;
  if (res.results.length !== texts.length) {
    throw new Error(`the server sent ${res.results.length} results for ${texts.length} texts`);
  }
  const details = res.results.map((r, i) => {
    const t = texts[i]!;
    const cut = r.truncated ? ' (the model read only the start)' : '';
    return `${i + 1}. line ${t.line + 1} ${excerpt(t.text)} → ${formatScores(r)}${cut}`;
  });
  const count = texts.length === 1 ? '1 text' : `${texts.length} texts`;
  log.line(
    `Classified ${count} with ${res.model} ${res.version} (job ${res.id}; queued ${Math.round(res.queueMs)} ms, model ${res.inferenceMs.toFixed(1)} ms):`,
    details,
  );
  const source = `Switchboard (${res.model} ${res.version})`;
  if (res.results.length === 1) {
    const result = res.results[0]!;
    const cut = result.truncated ? ' (the model read only the start of the text)' : '';
    const message = `${source}: ${formatScores(result)}${cut}`;
    status.showResult(`${result.top.label} ${Math.round(result.top.score * 100)}%`, message);
    void api.window.showInformationMessage(message);
    return;
  }
  const summary = summarizeTopLabels(res.results);
  const message = `${source}: ${texts.length} selections: ${summary}. Each selection's scores are in the log.`;
  status.showResult(`${texts.length}× ${summary}`, message);
  void Promise.resolve(api.window.showInformationMessage(message, BUTTONS.showLog)).then((choice) => {
    if (choice === BUTTONS.showLog) log.show();
  });
}
