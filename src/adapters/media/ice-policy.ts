/**
 * Where media may flow: host candidates only on the configured addresses, sockets bound to the
 * configured address within the port range. Remote addresses come from clients, so the server
 * checks (sends STUN to) and answers only some of them:
 * - while every announced address is a loopback one (the default, and every test), loopback only,
 *   so no packet of ours goes to the machine's other addresses;
 * - otherwise never loopback, link-local (the cloud metadata service lives at 169.254.169.254),
 *   unspecified or multicast, and private ranges only within `allowedRemoteCidrs`.
 */
import { BlockList, isIP, isIPv6 } from 'node:net';
import type { MediaServerConfig } from './media-server.port';

export const isLoopback = (address: string) => /^127\./.test(address) || address === '::1';

export interface IcePolicy {
  announced: readonly string[];
  bindAddress?: string;
  portRange: readonly [number, number];
  /** Whether a remote transport address may be checked and answered. */
  allowsRemote(address: string): boolean;
}

const NEVER = ['127.0.0.0/8', '169.254.0.0/16', '0.0.0.0/8', '224.0.0.0/4', '255.255.255.255/32', '::1/128', 'fe80::/10', '::/128', 'ff00::/8'];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** Addresses within any of the CIDRs (`10.0.0.0/8`, `fc00::/7`, …); IPv4-mapped IPv6 addresses match IPv4 ranges. */
export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }
  return list;
}

const within = (list: BlockList, address: string) => list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');

export function icePolicyOf(config: Pick<MediaServerConfig, 'iceAddresses' | 'bindAddress' | 'portRange' | 'allowedRemoteCidrs'>): IcePolicy {
  const loopbackOnly = config.iceAddresses.length > 0 && config.iceAddresses.every(isLoopback);
  const never = blockListOf(NEVER);
  const privateRanges = blockListOf(PRIVATE);
  const allowed = blockListOf(config.allowedRemoteCidrs ?? []);
  const allowsRemote = (address: string) => {
    // Hostnames (mDNS candidates) are never resolved by us.
    if (!isIP(address)) return false;
    if (loopbackOnly) return isLoopback(address);
    if (within(never, address)) return false;
    return !within(privateRanges, address) || within(allowed, address);
  };
  return { announced: config.iceAddresses, bindAddress: config.bindAddress, portRange: config.portRange, allowsRemote };
}

/** The socket family key werift binds by. */
export const socketTypeOf = (address: string) => (isIPv6(address) ? 'udp6' : 'udp4');
