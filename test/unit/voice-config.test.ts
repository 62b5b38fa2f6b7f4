import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('voice configuration', () => {
  it('defaults to werift on 127.0.0.1 with a 15 s grace period and the three loudest speakers', () => {
    expect(loadConfig({})).toMatchObject({
      VOICE_MEDIA_SERVER: 'werift',
      VOICE_ICE_ADDRESSES: ['127.0.0.1'],
      VOICE_ICE_BIND_ADDRESS: '127.0.0.1',
      VOICE_UDP_PORT_MIN: 40_000,
      VOICE_UDP_PORT_MAX: 49_999,
      VOICE_MAX_FORWARDED_SPEAKERS: 3,
      VOICE_GRACE_MS: 15_000,
    });
  });
  it('reads a list of announced addresses, and an empty bind address as every interface', () => {
    expect(loadConfig({ VOICE_ICE_ADDRESSES: '203.0.113.5, ::1', VOICE_ICE_BIND_ADDRESS: '' })).toMatchObject({
      VOICE_ICE_ADDRESSES: ['203.0.113.5', '::1'],
      VOICE_ICE_BIND_ADDRESS: undefined,
    });
  });
  it('refuses addresses that are not IPs, and an empty port range', () => {
    expect(() => loadConfig({ VOICE_ICE_ADDRESSES: 'example.com' })).toThrow(/VOICE_ICE_ADDRESSES/);
    expect(() => loadConfig({ VOICE_ICE_ADDRESSES: ' , ' })).toThrow(/VOICE_ICE_ADDRESSES/);
    expect(() => loadConfig({ VOICE_UDP_PORT_MIN: '5000', VOICE_UDP_PORT_MAX: '5000' })).toThrow(/VOICE_UDP_PORT_MIN/);
    expect(() => loadConfig({ VOICE_MAX_FORWARDED_SPEAKERS: '0' })).toThrow(/VOICE_MAX_FORWARDED_SPEAKERS/);
  });
});
