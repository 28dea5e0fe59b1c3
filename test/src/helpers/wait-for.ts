/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 20 s. */
  timeoutMs?: number;
  /** Pause between checks. Default 50 ms. */
  intervalMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
}

/**
 * Polls `check` until it returns something other than `undefined`/`false`, and returns that. Used
 * where the system offers no event to wait on (queue counts, a process's state); fails with `what`
 * and the last value seen instead of hanging.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' }: WaitForOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await check();
    if (last !== undefined && last !== false) return last as Exclude<T, false | undefined>;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last value: ${String(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Rejects with a message naming `what` if `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
