import { SwitchboardHttpError } from '@switchboard/client';
import { waitWithProgress } from './cancellable-progress.js';
import { COMMANDS, OPEN_SETTINGS_COMMAND } from './command-ids.js';
import { type AdviceAction, type AdviceContext, adviceFor, buttonTitle } from './error-advice.js';
import type { ExtensionServices } from './extension-services.js';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings.js';

/** How one attempt ended: finished (shown or nothing to show) or cancelled by the person. */
export type AttemptEnd = 'done' | 'cancelled';

/** One attempt at a request, given the settings and API key as they are now. */
export type AttemptRun = (settings: Settings, apiKey: string | undefined) => Promise<AttemptEnd>;

/** A one-line account of an error for the log (the key is never part of one). */
function describe(err: unknown): string {
  if (err instanceof SwitchboardHttpError) {
    const job = err.jobId ? `, job ${err.jobId}` : '';
    return `${err.name} (status ${err.status}, ${err.code}${job}): ${err.message}`;
  }
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Runs `run`, and when it fails shows what went wrong with the buttons that fix it. A button that
 * fixes the cause (Set API Key, Choose Model) or Retry runs the attempt again with the settings and
 * key as they are then; Retry first waits out the server's Retry-After. Resolves once an attempt
 * ends or the person stops (dismisses the message, opens the settings or the log).
 */
export async function runWithAdvice(
  services: ExtensionServices,
  request: AdviceContext['request'],
  run: AttemptRun,
): Promise<AttemptEnd> {
  const { api, log } = services;
  for (;;) {
    let settings: Settings | undefined;
    let apiKey: string | undefined;
    let advice: ReturnType<typeof adviceFor>;
    try {
      settings = readSettings(api);
      apiKey = await services.keys.get();
      return await run(settings, apiKey);
    } catch (err) {
      // An unreadable setting leaves no settings to describe the request by; the advice for it
      // does not use them.
      const context = { settings: settings ?? DEFAULT_SETTINGS, hadApiKey: apiKey !== undefined, request };
      advice = adviceFor(err, context);
      log.line(`Failed (${request}): ${describe(err)}`);
    }
    const failedAt = Date.now();
    const titles = advice.actions.map(buttonTitle);
    const chosen =
      advice.severity === 'warning'
        ? await api.window.showWarningMessage(advice.message, ...titles)
        : await api.window.showErrorMessage(advice.message, ...titles);
    const action: AdviceAction | undefined = advice.actions.find((a) => buttonTitle(a) === chosen);
    if (!action) return 'done';
    switch (action.kind) {
      case 'retry': {
        const left = failedAt + (advice.retryAfterMs ?? 0) - Date.now();
        if (left > 0) {
          const title = `Switchboard: retrying in ${Math.ceil(left / 1_000)} s, as the server asked…`;
          if (!(await waitWithProgress(api, title, left))) return 'cancelled';
        }
        continue;
      }
      case 'setApiKey':
        if (await api.commands.executeCommand<boolean>(COMMANDS.setApiKey)) continue;
        return 'done';
      case 'chooseModel':
        if (await api.commands.executeCommand<boolean>(COMMANDS.chooseModel)) continue;
        return 'done';
      case 'openSettings':
        await api.commands.executeCommand(OPEN_SETTINGS_COMMAND, action.setting);
        return 'done';
      case 'showLog':
        log.show();
        return 'done';
    }
  }
}
