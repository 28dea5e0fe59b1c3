/** Host names that only this machine can reach. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/**
 * True when `host` binds to loopback only. The key-less local-development mode is allowed on these
 * hosts alone: anything else (including `0.0.0.0`) is reachable from other machines.
 */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.trim().toLowerCase());
}
