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

/** The log calls {@link stopWhenParentGone} makes (pino's signature). */
export interface ParentGoneLog extends StopLog {
  warn(details: object, message: string): void;
}

/**
 * Stops the process when the process that forked it (a worker pool, the stack) goes away, even by
 * SIGKILL: its IPC channel then disconnects. Without this a killed pool leaves its workers running
 * as orphans that keep taking jobs nobody supervises. Finishes work in flight like a SIGTERM, but
 * exits after `graceMs` whatever happens. Does nothing in a process started without IPC.
 */
export function stopWhenParentGone(stop: () => Promise<void>, log: ParentGoneLog, graceMs: number): void {
  if (!process.send || !process.connected) return;
  process.once('disconnect', () => {
    log.warn({ parentPid: process.ppid, graceMs }, 'parent process gone (IPC disconnected); stopping');
    setTimeout(() => {
      log.error({ graceMs }, 'stop did not finish after the parent went away; exiting');
      process.exit(1);
    }, graceMs).unref();
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
