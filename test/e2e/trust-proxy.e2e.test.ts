/**
 * The client address behind rate limits: X-Forwarded-For counts only from trusted proxies
 * (TRUST_PROXY), so by default a client cannot get past the per-address limit by naming a new
 * address in each request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestApp, type TestApp } from '../support/app';
import { loadConfig } from '../../src/config';

const registration = (n: number) => ({
  email: `proxy${n}-${Date.now()}@example.com`,
  username: `proxy${n}${Date.now().toString(36)}`,
  password: 'proxy-password-long-enough',
});

describe('client addresses and X-Forwarded-For', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ nats: false, env: { AUTH_RATE_LIMIT_PER_IP: '2' } });
  });
  afterAll(async () => t?.close());

  it('ignores X-Forwarded-For unless a proxy is trusted: a new claimed address per request does not reset the limit', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) {
      statuses.push((await http(t.url, 'POST', '/api/v1/auth/register', registration(n), { 'x-forwarded-for': `203.0.113.${n + 1}` })).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('reads TRUST_PROXY as none, a hop count, or the proxies’ addresses', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).TRUST_PROXY).toBe('10.0.0.0/8,127.0.0.1');
  });
});
