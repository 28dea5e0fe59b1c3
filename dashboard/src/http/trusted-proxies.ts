import { BlockList, isIP } from 'node:net';

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report it) as IPv4. */
function plainAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/**
 * The reverse proxies whose `X-Forwarded-For` the dashboard believes (`DASHBOARD_TRUSTED_PROXIES`:
 * addresses and CIDR ranges). Without any, the client address is the TCP peer and the header is
 * ignored, since anyone can send it; with them, the client is the right-most address of the chain
 * that is not a trusted proxy, so a client cannot pick its own address by prepending entries.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  /** The entries as configured, for logs. */
  readonly entries: readonly string[];

  /**
   * @param entries addresses (`10.0.0.7`, `::1`) and ranges (`10.0.0.0/8`, `fd00::/8`)
   * @throws Error naming the entry that is neither
   */
  constructor(entries: readonly string[]) {
    this.entries = entries.map((e) => e.trim()).filter((e) => e !== '');
    for (const entry of this.entries) {
      const [address = '', bits, extra] = entry.split('/');
      const ip = plainAddress(address);
      const kind = family(ip);
      const prefix = bits === undefined ? undefined : Number(bits);
      const max = kind === 'ipv4' ? 32 : 128;
      if (
        !kind ||
        extra !== undefined ||
        (prefix !== undefined && (!/^\d+$/.test(bits ?? '') || prefix > max))
      ) {
        throw new Error(
          `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8).`,
        );
      }
      if (prefix === undefined) this.list.addAddress(ip, kind);
      else this.list.addSubnet(ip, prefix, kind);
    }
  }

  /** Reads a comma-separated list, as in the environment variable. */
  static parse(list: string | undefined): TrustedProxies {
    return new TrustedProxies((list ?? '').split(','));
  }

  /** True when no proxy is trusted (X-Forwarded-For is then never read). */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** True when `address` is one of the trusted proxies. */
  trusts(address: string): boolean {
    const ip = plainAddress(address);
    const kind = family(ip);
    return kind !== undefined && this.list.check(ip, kind);
  }

  /**
   * The address of the client behind `peer` (the TCP peer): `peer` itself unless it is a trusted
   * proxy; then the right-most `X-Forwarded-For` entry that is not a trusted proxy (or the
   * left-most entry when every hop is trusted).
   */
  clientAddress(peer: string, forwardedFor: string | undefined): string {
    const direct = plainAddress(peer);
    if (this.empty || !this.trusts(direct) || !forwardedFor) return direct;
    const hops = forwardedFor
      .split(',')
      .map(plainAddress)
      .filter((h) => h !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!this.trusts(hops[i]!)) return hops[i]!;
    }
    return hops[0] ?? direct;
  }
}
