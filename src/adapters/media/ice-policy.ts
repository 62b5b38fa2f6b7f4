/**
 * Where media may flow: host candidates only on the configured addresses, sockets bound to the
 * configured address within the port range. When every announced address is a loopback one (the
 * default, and every test), the server also refuses to check or answer any remote address that
 * is not loopback, so no packet of ours goes to the machine's other addresses.
 */
import { isIPv6 } from 'node:net';
import type { MediaServerConfig } from './media-server.port';

export const isLoopback = (address: string) => /^127\./.test(address) || address === '::1';

export interface IcePolicy {
  announced: readonly string[];
  bindAddress?: string;
  portRange: readonly [number, number];
  /** Whether a remote transport address may be checked and answered. */
  allowsRemote(address: string): boolean;
}

export function icePolicyOf(config: Pick<MediaServerConfig, 'iceAddresses' | 'bindAddress' | 'portRange'>): IcePolicy {
  const loopbackOnly = config.iceAddresses.length > 0 && config.iceAddresses.every(isLoopback);
  return {
    announced: config.iceAddresses,
    bindAddress: config.bindAddress,
    portRange: config.portRange,
    allowsRemote: (address) => !loopbackOnly || isLoopback(address),
  };
}

/** The socket family key werift binds by. */
export const socketTypeOf = (address: string) => (isIPv6(address) ? 'udp6' : 'udp4');
