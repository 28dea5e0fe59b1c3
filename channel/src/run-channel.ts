import { announceReady, stopOnSignals } from '@switchboard/core';
import type { ChannelRuntime } from './channel-runtime.js';

/**
 * The body of a channel's entry file: stops on SIGTERM/SIGINT after draining, starts the runtime,
 * tells the launching stack it is ready, and exits 1 with `explain(err)` when the start fails.
 */
export async function runChannel<Target extends Record<string, unknown>>(
  runtime: ChannelRuntime<Target>,
  explain: (err: unknown) => string = (err) => (err as Error)?.message ?? String(err),
): Promise<void> {
  stopOnSignals(() => runtime.close(), runtime.log, 'deliveries in flight');
  try {
    const info = await runtime.start();
    announceReady(info);
  } catch (err) {
    const reason = explain(err);
    runtime.log.fatal({ err: reason }, `${runtime.channel} failed to start`);
    console.error(`switchboard ${runtime.channel}: ${reason}`);
    await runtime.close();
    process.exit(1);
  }
}
