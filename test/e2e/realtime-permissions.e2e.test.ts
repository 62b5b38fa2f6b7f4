/**
 * Realtime topics answer to the same permissions as the HTTP reads, on PostgreSQL + NATS: at
 * subscribe time, and again when a socket re-authenticates after its role changed. Its own app,
 * because it changes what the `user` role may do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { registerUser, startTestApp, TestApp } from '../support/app';
import { apiOf, loginAdmin, type Api } from '../support/customer-api';
import { connectRealtime, subscribe, type RealtimeClient } from '../support/ws-client';

const ADMIN = { email: 'realtime-permissions-admin@example.com', password: 'realtime-permissions-admin-password' };

describe('realtime permissions (uWebSockets.js, PostgreSQL + NATS)', () => {
  let t: TestApp;
  let admin: Api;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, REALTIME_PORT: '0' } });
    admin = (await loginAdmin(t, ADMIN)).api;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  const connect = async (token: string) => {
    const client = await connectRealtime(t.app.get(RealtimeGateway).port, token);
    clients.push(client);
    return client;
  };
  const unsubscribedFrom = (topic: string) => (f: Record<string, unknown>) => f.op === 'unsubscribed' && f.topic === topic;

  it('refuses to subscribe to a deleted channel', async () => {
    const alice = await registerUser(t.url);
    const a = apiOf(t, alice.accessToken);
    const room = await a.post('/channels', { name: 'gone' });
    const gone = await a.delete(`/channels/${room.body.id}`);
    // Read past the deletion first: a subscribe still waiting for it would be revoked by it instead.
    expect((await a.get(`/channels/${room.body.id}?minPosition=${gone.body.position}`)).status).toBe(404);
    const client = await connect(alice.accessToken);
    const topic = `channel:${room.body.id as string}`;
    expect(await client.request({ op: 'subscribe', topic }, (f) => f.topic === topic)).toMatchObject({ op: 'error', code: 3001, message: 'no such channel' });
  });

  it('takes topics away at re-authentication once the role lost the permission they need, and refuses them at subscribe', async () => {
    const alice = await registerUser(t.url);
    const a = apiOf(t, alice.accessToken);
    const room = await a.post('/channels', { name: 'watched' });
    const ticket = await a.post('/tickets', { title: 'Watched', message: 'live' });
    const channelTopic = `channel:${room.body.id as string}`;
    const ticketTopic = `ticket:${ticket.body.id as string}`;
    const presenceTopic = `presence:${alice.userId}`;
    const client = await connect(alice.accessToken);
    await subscribe(client, channelTopic, { minPosition: room.body.position });
    await subscribe(client, ticketTopic, { minPosition: ticket.body.position });
    await subscribe(client, presenceTopic);

    const revoked = await admin.patch('/admin/roles/user', { revoke: ['channels:read', 'tickets:read-own'] });
    expect(revoked.status).toBe(200);
    expect((await a.get(`/channels/${room.body.id}/messages`)).status).toBe(403);

    const authenticated = await client.request({ op: 'auth', token: alice.accessToken }, (f) => f.op === 'authenticated');
    expect(authenticated).toMatchObject({ op: 'authenticated' });
    // Taken away before the answer, with the reason; what needs no permission stays.
    expect(client.frames.filter((f) => f.op === 'unsubscribed')).toEqual([
      { op: 'unsubscribed', topic: channelTopic, reason: 'access revoked' },
      { op: 'unsubscribed', topic: ticketTopic, reason: 'access revoked' },
    ]);
    expect(client.frames.findIndex(unsubscribedFrom(ticketTopic))).toBeLessThan(client.frames.indexOf(authenticated));

    const fresh = await connect(alice.accessToken);
    for (const topic of [channelTopic, ticketTopic]) {
      expect(await fresh.request({ op: 'subscribe', topic }, (f) => f.topic === topic), topic).toMatchObject({
        op: 'error',
        code: 1003,
        message: expect.stringMatching(/channels:read|tickets:read-own/),
      });
    }
    expect((await admin.patch('/admin/roles/user', { grant: ['channels:read', 'tickets:read-own'] })).status).toBe(200);
  });
});
