import { describe, expect, it } from 'vitest';
import { icePolicyOf } from '../../src/adapters/media/ice-policy';
import { loadConfig } from '../../src/config';

const portRange = [40_000, 49_999] as const;
const publicPolicy = (allowedRemoteCidrs?: string[]) => icePolicyOf({ iceAddresses: ['203.0.113.5'], portRange, allowedRemoteCidrs });

describe('ICE policy', () => {
  it('checks only loopback while every announced address is loopback', () => {
    const policy = icePolicyOf({ iceAddresses: ['127.0.0.1'], portRange });
    expect(policy.allowsRemote('127.0.0.1')).toBe(true);
    expect(policy.allowsRemote('::1')).toBe(true);
    expect(policy.allowsRemote('198.51.100.7')).toBe(false);
  });

  it('checks public addresses when announcing a public one', () => {
    expect(publicPolicy().allowsRemote('198.51.100.7')).toBe(true);
    expect(publicPolicy().allowsRemote('2001:db8::7')).toBe(true);
  });

  it('never checks loopback, link-local (the metadata service), unspecified or multicast addresses, nor hostnames', () => {
    const policy = publicPolicy(['0.0.0.0/0', '::/0']);
    for (const address of [
      '127.0.0.1',
      '::1',
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fe80::1',
      '0.0.0.0',
      '::',
      '224.0.0.251',
      'ff02::1',
      'abc.local',
    ]) {
      expect(policy.allowsRemote(address), address).toBe(false);
    }
  });

  it('checks private ranges only where allowed', () => {
    for (const address of ['10.1.2.3', '172.16.0.9', '192.168.1.20', '100.64.0.1', 'fd00::5', '::ffff:10.1.2.3']) {
      expect(publicPolicy().allowsRemote(address), address).toBe(false);
    }
    const lan = publicPolicy(['10.0.0.0/8', 'fd00::/8']);
    expect(lan.allowsRemote('10.1.2.3')).toBe(true);
    expect(lan.allowsRemote('fd00::5')).toBe(true);
    expect(lan.allowsRemote('192.168.1.20')).toBe(false);
  });

  it('reads the allowed ranges from VOICE_ICE_ALLOWED_REMOTE_CIDRS, none by default', () => {
    expect(loadConfig({}).VOICE_ICE_ALLOWED_REMOTE_CIDRS).toEqual([]);
    expect(loadConfig({ VOICE_ICE_ALLOWED_REMOTE_CIDRS: '10.0.0.0/8, fd00::/8' }).VOICE_ICE_ALLOWED_REMOTE_CIDRS).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(() => loadConfig({ VOICE_ICE_ALLOWED_REMOTE_CIDRS: '10.0.0.0' })).toThrow(/VOICE_ICE_ALLOWED_REMOTE_CIDRS/);
  });
});
