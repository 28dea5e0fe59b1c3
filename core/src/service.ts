/**
 * The start-up handshake between a service process (worker pool, HTTP API, a chat plugin) and the
 * stack that launched it. A service that was started with an IPC channel sends this once it serves.
 */
export interface ServiceReadyMessage {
  readonly type: 'ready';
  /** Where the service can be reached, when it listens (e.g. `http://127.0.0.1:8080`). */
  readonly url?: string;
  /** A line for the person starting the stack (e.g. "Slack app in Socket Mode"). */
  readonly detail?: string;
  /** Extra fields a service may add (ports, pids, models). */
  readonly [key: string]: unknown;
}

/** Tells the launching stack (if any) that this process is serving. */
export function announceReady(message: Omit<ServiceReadyMessage, 'type'>): void {
  process.send?.({ type: 'ready', ...message });
}

/** The two log calls {@link stopOnSignals} makes (pino's signature). */
export interface StopLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Stops a service once on SIGTERM or SIGINT (a second signal is ignored while it drains), then exits
 * 0, or 1 when the stop itself failed.
 */
export function stopOnSignals(stop: () => Promise<void>, log: StopLog, draining = 'work in flight'): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, `stopping: finishing ${draining}`);
      stop().then(
        () => process.exit(0),
        (err: Error) => {
          log.error({ err: err.message }, 'unclean stop');
          process.exit(1);
        },
      );
    });
  }
}
