/** Identity and access over HTTP on PostgreSQL + NATS: accounts, tokens, roles, abuse protection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { capturedLogger } from '../support/captured-log';

const ADMIN = { email: 'root@example.com', password: 'the-first-admin-password' };

describe('identity and access (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  const captured = capturedLogger();
  const secrets: string[] = [ADMIN.password];
  const answers: string[] = [];
  const call = async (...args: Parameters<typeof http>) => {
    const response = await http(...args);
    answers.push(JSON.stringify(response.body ?? ''));
    return response;
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'trace', AUTH_LOCKOUT_THRESHOLD: '3' },
      log: captured.log,
    });
  });
  afterAll(async () => t?.close());

  const adminTokens = async () => {
    const login = await call(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password });
    expect(login.status).toBe(200);
    secrets.push(login.body.accessToken, login.body.refreshToken);
    return login.body as { accessToken: string; userId: string };
  };

  it('registers, logs in, answers me, refreshes, revokes the family on reuse, and logs out', async () => {
    const registered = await registerUser(t.url, { displayName: 'Ada Lovelace' });
    secrets.push(registered.password, registered.accessToken, registered.refreshToken);
    expect(registered.user).toMatchObject({ username: registered.username, displayName: 'Ada Lovelace', role: 'user', status: 'active' });
    expect(registered).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const login = await call(t.url, 'POST', '/api/v1/auth/login', { login: registered.username.toUpperCase(), password: registered.password });
    expect(login.status).toBe(200);
    secrets.push(login.body.accessToken, login.body.refreshToken);

    const me = await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(login.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: registered.userId, email: registered.email, role: 'user' });

    const refreshed = await call(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(refreshed.body.accessToken))).status).toBe(200);

    // The old refresh token again: it leaked, so the whole family ends.
    const reuse = await call(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ code: 1002, rule: 'RefreshTokensWorkOnce' });
    expect((await call(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(refreshed.body.accessToken))).status).toBe(401);
    const events = await t.infrastructure.store.readStream(`user-${registered.userId}`);
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoggedIn', 'SessionRevoked']);
    expect(events[3]!.data).toMatchObject({ sessionId: login.body.sessionId, reason: 'refresh-token-reuse' });

    // The registration's own session is untouched; logging out ends it.
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(registered.accessToken))).status).toBe(200);
    expect((await call(t.url, 'POST', '/api/v1/auth/logout', { refreshToken: registered.refreshToken })).status).toBe(204);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(registered.accessToken))).status).toBe(401);
    expect((await call(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: registered.refreshToken })).status).toBe(401);
  });

  it('answers a wrong password and an unknown user with the same 401 problem', async () => {
    const user = await registerUser(t.url);
    secrets.push(user.password, user.accessToken, user.refreshToken);
    const wrong = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: 'not-the-password' });
    const unknown = await call(t.url, 'POST', '/api/v1/auth/login', { login: 'nobody@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('locks an account after repeated failures, recording it as an event', async () => {
    const user = await registerUser(t.url);
    secrets.push(user.password, user.accessToken, user.refreshToken);
    for (let i = 0; i < 3; i++)
      expect((await call(t.url, 'POST', '/api/v1/auth/login', { login: user.username, password: 'wrong-password' })).status).toBe(401);
    const lockedOut = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.username, password: user.password });
    expect(lockedOut.status).toBe(429);
    expect(Number(lockedOut.headers.get('retry-after'))).toBeGreaterThan(0);
    const events = await t.infrastructure.store.readStream(`user-${user.userId}`);
    expect(events.map((e) => e.type)).toContain('UserLockedOut');
  });

  it('lets exactly one of many concurrent registrations of one username win', async () => {
    const username = `race${Date.now().toString(36)}`;
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(t.url, 'POST', '/api/v1/auth/register', {
          email: `race${i}-${username}@example.com`,
          username: i % 2 ? username : username.toUpperCase(),
          password: 'a-long-password-1',
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 409)).toHaveLength(7);
    for (const a of attempts.filter((x) => x.status === 409)) expect(a.body).toMatchObject({ code: 3006, rule: 'UsernameIsTaken' });
    const winner = attempts.find((a) => a.status === 201)!;
    secrets.push(winner.body.accessToken, winner.body.refreshToken, 'a-long-password-1');
  });

  it('lists and revokes one of my sessions', async () => {
    const user = await registerUser(t.url);
    const second = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password });
    secrets.push(user.password, user.accessToken, user.refreshToken, second.body.accessToken, second.body.refreshToken);
    const sessions = await call(t.url, 'GET', '/api/v1/auth/sessions', undefined, bearer(user.accessToken));
    expect(sessions.body.items).toHaveLength(2);
    expect(sessions.body.items.find((s: { current: boolean }) => s.current).id).toBe(user.sessionId);
    expect((await call(t.url, 'DELETE', `/api/v1/auth/sessions/${second.body.sessionId}`, undefined, bearer(user.accessToken))).status).toBe(204);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(second.body.accessToken))).status).toBe(401);
    const other = await registerUser(t.url);
    secrets.push(other.password, other.accessToken, other.refreshToken);
    expect((await call(t.url, 'DELETE', `/api/v1/auth/sessions/${other.sessionId}`, undefined, bearer(user.accessToken))).status).toBe(404);
  });

  it('refuses a user on an admin route with 403, and lets the first admin change roles with effect at the next request', async () => {
    const user = await registerUser(t.url);
    secrets.push(user.password, user.accessToken, user.refreshToken);
    const refused = await call(t.url, 'PUT', `/api/v1/admin/users/${user.userId}/role`, { role: 'auditor' }, bearer(user.accessToken));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 1003 });
    expect((await call(t.url, 'GET', '/api/v1/auth/me')).status).toBe(401);

    const admin = await adminTokens();
    const changed = await call(t.url, 'PUT', `/api/v1/admin/users/${user.userId}/role`, { role: 'auditor' }, bearer(admin.accessToken));
    expect(changed.status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(user.accessToken))).body.role).toBe('auditor'); // same token
    const self = await call(t.url, 'PUT', `/api/v1/admin/users/${admin.userId}/role`, { role: 'user' }, bearer(admin.accessToken));
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ rule: 'AdminsDoNotChangeTheirOwnRole' });
  });

  it('refuses a deactivated user at the next request and at login', async () => {
    const user = await registerUser(t.url);
    secrets.push(user.password, user.accessToken, user.refreshToken);
    const admin = await adminTokens();
    expect((await call(t.url, 'PATCH', `/api/v1/admin/users/${user.userId}`, { status: 'deactivated' }, bearer(admin.accessToken))).status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(user.accessToken))).status).toBe(401);
    expect((await call(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    const login = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ rule: 'DeactivatedUsersDoNotLogIn' });
  });

  it('changes a password: the old one stops working, other sessions end', async () => {
    const user = await registerUser(t.url);
    const other = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password });
    const newPassword = 'a-brand-new-password';
    secrets.push(user.password, user.accessToken, user.refreshToken, other.body.accessToken, other.body.refreshToken, newPassword);
    expect((await call(t.url, 'POST', '/api/v1/auth/password', { currentPassword: user.password, newPassword }, bearer(user.accessToken))).status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(other.body.accessToken))).status).toBe(401);
    expect((await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password })).status).toBe(401);
    const fresh = await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: newPassword });
    expect(fresh.status).toBe(200);
    secrets.push(fresh.body.accessToken, fresh.body.refreshToken);
  });

  it('counts wrong current passwords at a password change towards the lockout, as at login', async () => {
    const user = await registerUser(t.url);
    secrets.push(user.password, user.accessToken, user.refreshToken);
    const change = (currentPassword: string) =>
      call(t.url, 'POST', '/api/v1/auth/password', { currentPassword, newPassword: 'a-guessers-new-password' }, bearer(user.accessToken));
    for (let i = 0; i < 3; i++) expect((await change('wrong-password')).body).toMatchObject({ status: 401, code: 1002 });
    const lockedOut = await change(user.password);
    expect(lockedOut.status).toBe(429);
    expect(lockedOut.body).toMatchObject({ code: 1004, rule: 'LockedAccountsWait' });
    expect((await call(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password })).status).toBe(429);
    const events = await t.infrastructure.store.readStream(`user-${user.userId}`);
    expect(events.map((e) => e.type)).toContain('UserLockedOut');
    expect(events.map((e) => e.type)).not.toContain('PasswordChanged');
  });

  it('validates input with problem+json, and sends security headers', async () => {
    const bad = await call(t.url, 'POST', '/api/v1/auth/register', { email: 'not-an-email', username: 'x', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password', 'username']);
    const long = await call(t.url, 'POST', '/api/v1/auth/register', { email: 'long@example.com', username: 'longpw', password: 'x'.repeat(257) });
    expect(long.status).toBe(400);
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    expect(bad.headers.get('strict-transport-security')).toBeTruthy();
    const jwks = await call(t.url, 'GET', '/.well-known/jwks.json');
    expect(jwks.body).toEqual({ keys: [] }); // HS256 here: the key is secret
  });

  it('leaves no password, hash or token in the event log, the logs or an error answer', async () => {
    const all = await t.infrastructure.store.readAll({ after: 0, limit: 100_000 });
    const hashes = (await t.database.db.selectFrom('credentials').select('password_hash').execute()).map((r) => r.password_hash);
    expect(hashes.length).toBeGreaterThan(5);
    expect(captured.lines.length).toBeGreaterThan(0);
    const haystacks = {
      'event log': JSON.stringify(all),
      logs: captured.lines.join('\n'),
      answers: answers.filter((a) => a.includes('switchboard.dev/problems')).join('\n'),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [...secrets, ...hashes]) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
      expect(text.includes('$argon2'), `${where} holds a hash`).toBe(false);
    }
  });
});

describe('rate limits on authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ nats: false, env: { AUTH_RATE_LIMIT_PER_IP: '3', AUTH_RATE_LIMIT_PER_ACCOUNT: '2' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After past the per-account limit', async () => {
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await http(t.url, 'POST', '/api/v1/auth/login', { login: 'someone', password: 'whatever-it-is' }));
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 429]);
    expect(Number(attempts[2]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(attempts[2]!.body).toMatchObject({ code: 5002 });
  });

  it('limits password changes like logins, per account', async () => {
    const user = await registerUser(t.url);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (
          await http(
            t.url,
            'POST',
            '/api/v1/auth/password',
            { currentPassword: `guess-${i}-password`, newPassword: 'a-guessers-new-password' },
            bearer(user.accessToken),
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('answers 429 past the per-address limit, whatever the account', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await http(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: `nope-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
