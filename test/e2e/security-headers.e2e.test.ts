/**
 * Security headers at every edge: token answers are never stored, every API answer carries a
 * Content-Security-Policy that allows nothing (but /docs, relaxed to what Swagger UI loads), the
 * realtime port's plain HTTP answers carry the same headers, and `/metrics` is on a port of its own,
 * bound to loopback by default, not on the API port.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { MetricsServer } from '../../src/adapters/telemetry/metrics-server';
import { bearer, http, registerUser, startTestApp, type TestApp } from '../support/app';

const STRICT_CSP = "default-src 'none'";

function expectSecurityHeaders(headers: Headers | Record<string, string | string[] | undefined>, where: string) {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  expect(get('content-security-policy'), where).toContain(STRICT_CSP);
  expect(get('content-security-policy'), where).toContain("frame-ancestors 'none'");
  expect(get('x-content-type-options'), where).toBe('nosniff');
}

/** A websocket upgrade by hand, to read the HTTP answer of a refused one. */
function refusedUpgrade(port: number): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      agent: false,
      path: '/realtime',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (response) => {
      response.resume();
      req.destroy();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    req.on('upgrade', () => reject(new Error('the upgrade was accepted without a token')));
    req.on('error', reject);
    req.end();
  });
}

describe('security headers and the metrics port', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers login, register and refresh with Cache-Control: no-store and Pragma: no-cache, refusals too', async () => {
    const user = await registerUser(t.url);
    const register = await http(t.url, 'POST', '/api/v1/auth/register', {
      email: 'nostore@example.com',
      username: 'nostore',
      password: 'long-enough-password',
    });
    const login = await http(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password });
    const refresh = await http(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    const wrongPassword = await http(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: 'not-the-password' });
    expect([register.status, login.status, refresh.status, wrongPassword.status]).toEqual([201, 200, 200, 401]);
    for (const [name, response] of Object.entries({ register, login, refresh, wrongPassword })) {
      expect(response.headers.get('cache-control'), name).toBe('no-store');
      expect(response.headers.get('pragma'), name).toBe('no-cache');
    }
  });

  it('sends a Content-Security-Policy that allows nothing on API answers, errors and probes included', async () => {
    const user = await registerUser(t.url);
    for (const [path, headers] of [
      ['/api/v1/auth/me', bearer(user.accessToken)],
      ['/api/v1/auth/me', {}],
      ['/api/v1/no-such-route', {}],
      ['/health/live', {}],
      ['/openapi.json', {}],
    ] as const) {
      const response = await http(t.url, 'GET', path, undefined, headers);
      expectSecurityHeaders(response.headers, `GET ${path} (${response.status})`);
      expect(response.headers.get('content-security-policy')).not.toContain("'self'");
    }
  });

  it('relaxes it on /docs to what Swagger UI loads, and that all loads', async () => {
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await docs.text();
    // No inline script: script-src 'self' would block it.
    expect(html).not.toMatch(/<script>/);
    const assets = [...html.matchAll(/(?:src|href)=["']([^"']+\.(?:js|css))["']/g)].map(([, src]) => new URL(src!, `${t.url}/docs`).href);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset.startsWith(t.url), asset).toBe(true);
      const response = await fetch(asset);
      expect(response.status, asset).toBe(200);
      await response.arrayBuffer(); // read to the end: a half-read answer keeps its connection busy, and the app's close waits on it
    }
  });

  it("serves the realtime port's HTTP answers (401 problem, 404, health) with the same headers", async () => {
    const port = t.app.get(RealtimeGateway).port;
    const refused = await refusedUpgrade(port);
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused.headers, 'refused upgrade');
    for (const path of ['/nothing-here', '/health/live']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      await response.arrayBuffer();
      expectSecurityHeaders(response.headers, `realtime ${path} (${response.status})`);
    }
  });

  it('serves /metrics on its own port, bound to loopback by default, and not on the API port', async () => {
    expect(loadConfig({}).METRICS_HOST).toBe('127.0.0.1');
    expect((await http(t.url, 'GET', '/metrics')).status).toBe(404);
    expect((await http(t.url, 'GET', '/api/v1/metrics')).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${t.app.get(MetricsServer).port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('switchboard_');
    expectSecurityHeaders(metrics.headers, 'metrics');
    const elsewhere = await fetch(`http://127.0.0.1:${t.app.get(MetricsServer).port}/api/v1/auth/me`);
    expect(elsewhere.status).toBe(404);
    await elsewhere.arrayBuffer();
  });
});
