import { BlockList, isIP } from 'node:net';

// Addresses a callback must not reach unless an allowed origin names them exactly: loopback,
// private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
// "this network", multicast and reserved ranges, in both families.
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Whether `address` (an IP literal) is loopback, private, link-local or otherwise not a public
 * address. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are judged by the IPv4 address inside;
 * anything that is not an IP literal counts as internal.
 */
export function isInternalAddress(address: string): boolean {
  const mapped = MAPPED_V4.exec(address);
  if (mapped) return isInternalAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 4) return INTERNAL.check(address, 'ipv4');
  if (family === 6) {
    // BlockList cannot parse a mapped address in hex form (::ffff:a00:1): refuse the whole range.
    if (/^::ffff:/i.test(address)) return true;
    return INTERNAL.check(address, 'ipv6');
  }
  return true;
}
