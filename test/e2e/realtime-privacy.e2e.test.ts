/**
 * Realtime privacy and consistency (issue 14), over the real websocket gateway and HTTP on
 * PostgreSQL + NATS: presence only between users who share a channel, sockets of revoked sessions
 * closed at once (on every gateway instance), and subscribes that read their own writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { channelWith } from '../support/chat';
import { connectRealtime, subscribe, type Frame, type RealtimeClient } from '../support/ws-client';

describe('realtime privacy and read-your-writes (uWebSockets.js, PostgreSQL + NATS)', () => {
  let t: TestApp;
  let second: TestApp;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { REALTIME_PORT: '0' } });
    // A second app and gateway on the same database and NATS: revocations must reach its sockets too.
    second = await startTestApp({
      database: t.database,
      env: { NATS_STREAM: t.config.NATS_STREAM, NATS_SUBJECT_PREFIX: t.config.NATS_SUBJECT_PREFIX, REALTIME_PORT: '0' },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await second?.app.close();
    await t?.close();
  });

  const connect = async (token: string, app: TestApp = t) => {
    const client = await connectRealtime(app.app.get(RealtimeGateway).port, token);
    clients.push(client);
    return client;
  };
  const answerTo = (topic: string) => (f: Frame) => f.topic === topic && (f.op === 'subscribed' || f.op === 'error');
  const login = async (user: { email: string; password: string }) =>
    (await http(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password })).body;

  it('shows presence only to users who share a channel, and takes it away when they no longer do', async () => {
    const [alice, bob, mallory] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const topic = `presence:${bob.userId}`;
    const malloryClient = await connect(mallory.accessToken);
    expect(await malloryClient.request({ op: 'subscribe', topic }, answerTo(topic))).toMatchObject({ op: 'error', code: 3001 });
    // Nor does an invitation that was never accepted let anyone watch.
    expect((await http(t.url, 'POST', '/api/v1/channels', { name: 'pending', members: [bob.userId] }, bearer(mallory.accessToken))).status).toBe(201);
    expect(await malloryClient.request({ op: 'subscribe', topic }, answerTo(topic))).toMatchObject({ op: 'error', code: 3001 });
    await subscribe(malloryClient, `presence:${mallory.userId}`);

    const room = await channelWith(t.url, alice, [bob], { name: 'shared' });
    const aliceClient = await connect(alice.accessToken);
    // No minPosition: the subscribe waits for the acceptance it would otherwise miss.
    await subscribe(aliceClient, topic);
    expect(await aliceClient.next((f) => f.topic === topic && f.type === 'presence')).toMatchObject({ data: { userId: bob.userId, status: 'offline' } });
    const bobClient = await connect(bob.accessToken);
    await subscribe(bobClient, `presence:${alice.userId}`);

    const left = await http(t.url, 'DELETE', `/api/v1/channels/${room.body.id as string}/members/${bob.userId}`, undefined, bearer(bob.accessToken));
    expect(left.status).toBe(200);
    expect(await aliceClient.next((f) => f.op === 'unsubscribed' && f.topic === topic)).toEqual({ op: 'unsubscribed', topic, reason: 'access revoked' });
    expect(await bobClient.next((f) => f.op === 'unsubscribed')).toEqual({ op: 'unsubscribed', topic: `presence:${alice.userId}`, reason: 'access revoked' });
    expect(await aliceClient.request({ op: 'subscribe', topic }, answerTo(topic))).toMatchObject({ op: 'error', code: 3001 });
  });

  it('closes the sockets of a session at logout, on every gateway instance, and keeps the other sessions', async () => {
    const alice = await registerUser(t.url);
    const other = await login(alice);
    const here = await connect(alice.accessToken);
    const there = await connect(alice.accessToken, second);
    const otherSession = await connect(other.accessToken as string);
    for (const client of [here, there, otherSession]) await subscribe(client, `user:${alice.userId}`);

    expect((await http(t.url, 'POST', '/api/v1/auth/logout', { refreshToken: alice.refreshToken })).status).toBe(204);
    expect(await here.closed).toEqual({ code: 4003, reason: 'session revoked' });
    expect(await there.closed).toEqual({ code: 4003, reason: 'session revoked' });
    expect(await otherSession.request({ op: 'ping' }, (f) => f.op === 'pong')).toEqual({ op: 'pong' });
  });

  it("closes the other sessions' sockets after a password change, and the session's after its refresh token is reused", async () => {
    const alice = await registerUser(t.url);
    const other = await login(alice);
    const current = await connect(alice.accessToken);
    const elsewhere = await connect(other.accessToken as string, second);
    const changed = await http(
      t.url,
      'POST',
      '/api/v1/auth/password',
      { currentPassword: alice.password, newPassword: `${alice.password}-new` },
      bearer(alice.accessToken),
    );
    expect(changed.status).toBe(200);
    expect(await elsewhere.closed).toEqual({ code: 4003, reason: 'session revoked' });
    expect(await current.request({ op: 'ping' }, (f) => f.op === 'pong')).toEqual({ op: 'pong' });

    // The theft case: the old refresh token comes back after rotation, and the whole session goes.
    const rotated = await http(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: alice.refreshToken });
    expect(rotated.status).toBe(200);
    const thief = await connect(rotated.body.accessToken as string, second);
    expect((await http(t.url, 'POST', '/api/v1/auth/refresh', { refreshToken: alice.refreshToken })).status).toBe(401);
    expect(await current.closed).toEqual({ code: 4003, reason: 'session revoked' });
    expect(await thief.closed).toEqual({ code: 4003, reason: 'session revoked' });
  });

  it('lets a client subscribe at once to what it just wrote, without minPosition, and answers others "not found"', async () => {
    const owner = await registerUser(t.url);
    const stranger = await registerUser(t.url);
    const client = await connect(owner.accessToken);
    const strangerClient = await connect(stranger.accessToken);
    for (let i = 0; i < 8; i++) {
      const ticket = await http(t.url, 'POST', '/api/v1/tickets', { title: `Right away ${i}`, message: 'subscribe now' }, bearer(owner.accessToken));
      const channel = await http(t.url, 'POST', '/api/v1/channels', { name: `right-away-${i}` }, bearer(owner.accessToken));
      for (const topic of [`ticket:${ticket.body.id as string}`, `channel:${channel.body.id as string}`]) {
        expect(await client.request({ op: 'subscribe', topic }, answerTo(topic)), topic).toEqual({ op: 'subscribed', topic });
      }
      if (i === 0) {
        const topic = `channel:${channel.body.id as string}`;
        expect(await strangerClient.request({ op: 'subscribe', topic }, answerTo(topic))).toMatchObject({
          op: 'error',
          code: 3001,
          message: 'no such channel',
        });
      }
    }
  });
});
