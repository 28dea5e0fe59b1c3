import type { VscodeApi } from './vscode-api.js';

/** How a cancellable task ended. */
export type ProgressOutcome<T> =
  | { readonly cancelled: false; readonly value: T }
  | { readonly cancelled: true };

/**
 * Runs `task` under a notification with a Cancel button. Cancelling aborts the signal handed to the
 * task (which cancels its HTTP request) and resolves at once with `{ cancelled: true }`, even if the
 * task is between two attempts; an error the task throws after that is ignored.
 */
export function withCancellableProgress<T>(
  api: VscodeApi,
  title: string,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<ProgressOutcome<T>> {
  return Promise.resolve(
    api.window.withProgress(
      { location: api.ProgressLocation.Notification, title, cancellable: true },
      async (_progress, token): Promise<ProgressOutcome<T>> => {
        const abort = new AbortController();
        let subscription: { dispose(): unknown } | undefined;
        const cancelled = new Promise<ProgressOutcome<T>>((resolve) => {
          const cancel = () => {
            abort.abort();
            resolve({ cancelled: true });
          };
          if (token.isCancellationRequested) cancel();
          else subscription = token.onCancellationRequested(cancel);
        });
        try {
          const done = task(abort.signal).then((value): ProgressOutcome<T> => ({ cancelled: false, value }));
          return await Promise.race([done, cancelled]);
        } catch (err) {
          if (abort.signal.aborted) return { cancelled: true };
          throw err;
        } finally {
          subscription?.dispose();
        }
      },
    ),
  );
}

/**
 * Waits `ms` under a cancellable notification (used before retrying when the server asked to wait).
 * Resolves to false when the person cancelled.
 */
export async function waitWithProgress(api: VscodeApi, title: string, ms: number): Promise<boolean> {
  const outcome = await withCancellableProgress(
    api,
    title,
    (signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
  );
  return !outcome.cancelled;
}
