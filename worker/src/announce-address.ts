import { hostname, type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

/** What decides the address a worker announces for its `/metrics`. */
export interface AnnounceAddressInput {
  /**
   * `WORKER_ANNOUNCE_HOST`, else `POD_IP` (Kubernetes' downward API, `fieldRef: status.podIP`):
   * said by whoever knows better (a NAT, a DNS name, the pod's IP).
   */
  readonly announceHost?: string | undefined;
  /** `WORKER_METRICS_HOST`: where the metrics server listens. */
  readonly metricsHost: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The first address of this machine that another machine can use: IPv4 before IPv6, no loopback,
 * no IPv6 link-local (it would need a zone id). `undefined` when there is none.
 */
export function externalAddress(
  interfaces: NodeJS.Dict<NetworkInfo[]> = networkInterfaces(),
): string | undefined {
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const usable = all.filter((a) => !a.internal && !(a.family === 'IPv6' && /^fe80:/i.test(a.address)));
  return (usable.find((a) => a.family === 'IPv4') ?? usable[0])?.address;
}

/** The parts of `os.networkInterfaces()` entries that matter here. */
export type NetworkInfo = Pick<NetworkInterfaceInfo, 'address' | 'family' | 'internal'>;

/**
 * The host the dashboard should use to read this worker's `/metrics`, announced in the worker's
 * heartbeat. In order: `WORKER_ANNOUNCE_HOST` (or `POD_IP`, see worker-options.ts); when the server listens on every
 * interface (`0.0.0.0`, `::`), this machine's first non-loopback address (in a pod, the pod IP);
 * otherwise the address it listens on (`127.0.0.1` is then only readable from this machine).
 * A pod's or container's host name is no answer: nothing resolves it outside.
 */
export function announcedMetricsHost(
  input: AnnounceAddressInput,
  interfaces: NodeJS.Dict<NetworkInfo[]> = networkInterfaces(),
): string {
  const explicit = input.announceHost?.trim();
  if (explicit) return explicit;
  if (WILDCARDS.has(input.metricsHost.trim())) return externalAddress(interfaces) ?? hostname();
  return input.metricsHost;
}
