/**
 * The heartbeat a worker process writes to Redis every few seconds: what the dashboard's worker
 * list, batch-size chart and Models section read. Written by the worker, read by the dashboard;
 * here so that neither imports the other.
 */
/** What a worker announces about itself every few seconds. */
export interface WorkerAnnouncement {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly models: readonly string[];
  readonly startedAt: number;
  readonly metricsPort: number;
  /**
   * Where the metrics server can be reached from other machines (pod IP, host address, or the
   * loopback address it is bound to); the dashboard's batch-size chart reads it there.
   */
  readonly metricsHost: string;
  /** The model registry as this process sees it (dashboard Models section). */
  readonly registry?: WorkerRegistryView;
}

/** Models, versions loaded, last reload and load errors of one worker process. */
export interface WorkerRegistryView {
  readonly models: readonly {
    readonly name: string;
    readonly default: string | undefined;
    readonly loaded: readonly string[];
    readonly versions: readonly string[];
  }[];
  /** When the repository was last read (ms since the epoch). */
  readonly lastReload: number;
  readonly errors: readonly {
    readonly ref: string;
    readonly file: string;
    readonly error: string;
    readonly at: number;
  }[];
}
