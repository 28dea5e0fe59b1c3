import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when this process may build network namespaces (root, with iproute2's `ip`). */
export function canCreateNetworkNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
}

/**
 * A network namespace joined to this one by a veth pair on a private /30, like a pod on a node:
 * its own loopback, reachable only at {@link podAddress}, reaching this side at
 * {@link hostAddress}. Traffic never leaves the machine.
 */
export class NetworkNamespace {
  private closed = false;

  private constructor(
    /** Its name (`ip netns exec <name> ...`). */
    readonly name: string,
    /** This side's address on the link. */
    readonly hostAddress: string,
    /** The namespace's address on the link. */
    readonly podAddress: string,
    private readonly hostLink: string,
  ) {}

  /** Creates the namespace and the link. */
  static async create(): Promise<NetworkNamespace> {
    const id = randomBytes(3).toString('hex');
    const name = `sbt-${id}`;
    const hostLink = `sbh-${id}`;
    const podLink = `sbp-${id}`;
    // A random /30 in 10.200.0.0/14: parallel runs do not collide in practice.
    const base = `10.${200 + randomInt(4)}.${randomInt(256)}`;
    const last = randomInt(64) * 4;
    const hostAddress = `${base}.${last + 1}`;
    const podAddress = `${base}.${last + 2}`;
    const ns = new NetworkNamespace(name, hostAddress, podAddress, hostLink);
    try {
      await run('ip', ['netns', 'add', name]);
      await run('ip', ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', podLink, 'netns', name]);
      await run('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', hostLink]);
      await run('ip', ['link', 'set', hostLink, 'up']);
      await run('ip', ['-n', name, 'addr', 'add', `${podAddress}/30`, 'dev', podLink]);
      await run('ip', ['-n', name, 'link', 'set', podLink, 'up']);
      await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (err) {
      await ns.close();
      throw err;
    }
    return ns;
  }

  /** The command prefix that runs a program inside the namespace. */
  get launcher(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  /** Deletes the namespace (and with it both ends of the link). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await run('ip', ['netns', 'delete', this.name]).catch(() => {});
    await run('ip', ['link', 'delete', this.hostLink]).catch(() => {});
  }
}
