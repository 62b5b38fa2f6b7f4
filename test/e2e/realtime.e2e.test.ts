/**
 * The realtime gateway end to end, with real websocket clients against the app on PostgreSQL +
 * NATS: live ticket changes and who may see them, authentication at the upgrade and on the
 * socket, per-socket limits, slow clients, and two gateway instances sharing one NATS.
 */
import { randomUUID } from 'node:crypto';
import type { Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { topicsOfChange } from '../../src/adapters/realtime/change-topics';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { channelWith } from '../support/chat';
import { waitUntil } from '../support/poll';
import { connectRealtime, realtimeUrl, refusedUpgrade, subscribe, type Frame, type RealtimeClient } from '../support/ws-client';

const ADMIN = { email: 'realtime-admin@example.com', password: 'realtime-admin-password' };
const MAX_SUBSCRIPTIONS = 5;

/** Seconds-since-epoch expiry of an access token, read from its payload. */
const expiryOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;

const push =
  (topic: string, type: string, extra: (frame: Frame) => boolean = () => true) =>
  (frame: Frame) =>
    frame.topic === topic && frame.type === type && extra(frame);
const errorFor = (topic?: string) => (frame: Frame) => frame.op === 'error' && (topic === undefined || frame.topic === topic);

describe('change topics', () => {
  it('maps each view to its topics, internal notes to the staff variant, unknown views to nothing', () => {
    const id = randomUUID();
    expect(topicsOfChange({ view: 'tickets', key: id })).toEqual([{ channel: `ticket:${id}`, topic: `ticket:${id}` }]);
    expect(topicsOfChange({ view: 'tickets', key: `${id}-internal` })).toEqual([{ channel: `staff/ticket:${id}`, topic: `ticket:${id}` }]);
    expect(topicsOfChange({ view: 'chat', key: id })).toEqual([{ channel: `channel:${id}`, topic: `channel:${id}` }]);
    expect(topicsOfChange({ view: 'voice', key: id })).toEqual([{ channel: `channel:${id}`, topic: `channel:${id}` }]);
    expect(topicsOfChange({ view: 'chat', key: `invitee-${id}` })).toEqual([{ channel: `user:${id}`, topic: `user:${id}` }]);
    expect(topicsOfChange({ view: 'users', key: id })).toEqual([{ channel: `user:${id}`, topic: `user:${id}` }]);
    expect(topicsOfChange({ view: 'audit', key: id })).toEqual([]);
  });
});

describe('realtime gateway (uWebSockets.js, PostgreSQL + NATS)', () => {
  let t: TestApp;
  let admin: { accessToken: string; userId: string };
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        REALTIME_PORT: '0',
        REALTIME_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
        REALTIME_MAX_BACKPRESSURE_BYTES: String(64 * 1024),
      },
    });
    admin = (await http(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password })).body as typeof admin;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  const gateway = (app: TestApp = t) => app.app.get(RealtimeGateway);
  const connect = async (token: string, options?: Parameters<typeof connectRealtime>[2], app: TestApp = t) => {
    const client = await connectRealtime(gateway(app).port, token, options);
    clients.push(client);
    return client;
  };
  const as = (token: string, app: TestApp = t) => ({
    post: (path: string, body: unknown) => http(app.url, 'POST', `/api/v1${path}`, body, bearer(token)),
    get: (path: string) => http(app.url, 'GET', `/api/v1${path}`, undefined, bearer(token)),
  });
  const openTicket = async (token: string, app: TestApp = t) => {
    const opened = await as(token, app).post('/tickets', { title: 'Realtime', message: 'hello' });
    expect(opened.status).toBe(201);
    return { id: opened.body.id as string, position: opened.body.position as number };
  };

  it('pushes an admin reply live to the ticket owner, with a position that reads the write back', async () => {
    const owner = await registerUser(t.url);
    const ticket = await openTicket(owner.accessToken);
    const client = await connect(owner.accessToken);
    await subscribe(client, `ticket:${ticket.id}`, { minPosition: ticket.position });

    const reply = await as(admin.accessToken).post(`/tickets/${ticket.id}/messages`, { content: 'On it.' });
    expect(reply.status).toBe(201);
    const live = await client.next(push(`ticket:${ticket.id}`, 'TicketMessagePosted', (f) => f.data.content === 'On it.'));
    expect(live).toEqual({
      topic: `ticket:${ticket.id}`,
      type: 'TicketMessagePosted',
      data: expect.objectContaining({ ticketId: ticket.id, authorId: admin.userId }),
      position: expect.any(Number),
    });

    const detail = await as(owner.accessToken).get(`/tickets/${ticket.id}?minPosition=${live.position}`);
    expect(detail.body.messages.map((m: { content: string }) => m.content)).toContain('On it.');
  });

  it('pushes a channel message live with its position, then its edit and its deletion as events', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const created = await channelWith(t.url, alice, [bob], { name: 'live' });
    const topic = `channel:${created.body.id as string}`;
    const client = await connect(alice.accessToken);
    await subscribe(client, topic, { minPosition: created.body.position });

    const posted = await as(bob.accessToken).post(`/channels/${created.body.id}/messages`, { content: 'fresh' });
    const live = await client.next(push(topic, 'ChatMessagePosted', (f) => f.data.content === 'fresh'));
    expect(live).toMatchObject({ data: { messageId: posted.body.id, authorId: bob.userId }, position: expect.any(Number) });
    const page = await as(alice.accessToken).get(`/channels/${created.body.id}/messages?minPosition=${live.position}`);
    expect(page.body.items.map((m: { id: string }) => m.id)).toContain(posted.body.id);

    await http(t.url, 'PATCH', `/api/v1/messages/${posted.body.id}`, { content: 'fresher' }, bearer(bob.accessToken));
    expect(await client.next(push(topic, 'ChatMessageEdited'))).toMatchObject({ data: { messageId: posted.body.id, content: 'fresher' } });
    await http(t.url, 'DELETE', `/api/v1/messages/${posted.body.id}`, undefined, bearer(bob.accessToken));
    expect(await client.next(push(topic, 'ChatMessageDeleted'))).toMatchObject({ data: { messageId: posted.body.id, by: bob.userId } });
  });

  it('takes a channel away from a member removed while subscribed, and closes a deactivated account', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const created = await channelWith(t.url, alice, [bob, carol], { name: 'revocable' });
    const channelId = created.body.id as string;
    const topic = `channel:${channelId}`;
    const [bobClient, carolClient] = await Promise.all([connect(bob.accessToken), connect(carol.accessToken)]);
    for (const client of [bobClient, carolClient]) await subscribe(client, topic, { minPosition: created.body.position });

    expect((await http(t.url, 'DELETE', `/api/v1/channels/${channelId}/members/${bob.userId}`, undefined, bearer(alice.accessToken))).status).toBe(200);
    expect(await bobClient.next((f) => f.op === 'unsubscribed' && f.topic === topic)).toEqual({ op: 'unsubscribed', topic, reason: 'access revoked' });
    await as(alice.accessToken).post(`/channels/${channelId}/messages`, { content: 'after bob left' });
    await carolClient.next(push(topic, 'ChatMessagePosted', (f) => f.data.content === 'after bob left'));
    // Carol received the message after it was pushed to every subscriber: had Bob still been one, he would have it.
    expect(bobClient.frames.filter((f) => f.type === 'ChatMessagePosted')).toEqual([]);
    expect(carolClient.frames.filter((f) => f.op === 'unsubscribed')).toEqual([]);

    expect((await http(t.url, 'PATCH', `/api/v1/admin/users/${carol.userId}`, { status: 'deactivated' }, bearer(admin.accessToken))).status).toBe(200);
    expect(await carolClient.closed).toEqual({ code: 4003, reason: 'access revoked' });
  });

  it('refuses strangers, refuses a bad token before the upgrade, and takes the token from Sec-WebSocket-Protocol', async () => {
    const owner = await registerUser(t.url);
    const ticket = await openTicket(owner.accessToken);
    const stranger = await connect((await registerUser(t.url)).accessToken);
    const refused = await stranger.request({ op: 'subscribe', topic: `ticket:${ticket.id}`, minPosition: ticket.position }, errorFor(`ticket:${ticket.id}`));
    expect(refused).toMatchObject({ op: 'error', code: 1003 });
    expect(await stranger.request({ op: 'subscribe', topic: `user:${owner.userId}` }, errorFor(`user:${owner.userId}`))).toMatchObject({ code: 1003 });
    expect(await stranger.request({ op: 'subscribe', topic: 'weather:today' }, errorFor('weather:today'))).toMatchObject({ code: 3001 });

    const port = gateway().port;
    expect((await refusedUpgrade(realtimeUrl(port, 'not-a-token'))).status).toBe(401);
    expect((await refusedUpgrade(realtimeUrl(port))).status).toBe(401);
    const forged = `${owner.accessToken.slice(0, -4)}AAAA`;
    const problem = await refusedUpgrade(realtimeUrl(port), [forged]);
    expect(problem.status).toBe(401);
    expect(JSON.parse(problem.body)).toMatchObject({ code: 1001 });

    const viaProtocol = await connect(owner.accessToken, { via: 'protocol' });
    expect(viaProtocol.socket.protocol).toBe(owner.accessToken);
    await subscribe(viaProtocol, `ticket:${ticket.id}`);
    await subscribe(viaProtocol, `user:${owner.userId}`);
    const named = await connect(owner.accessToken, { via: 'protocol', protocols: ['switchboard.v1'] });
    expect(named.socket.protocol).toBe('switchboard.v1');
  });

  it('answers malformed frames with an error frame and keeps the socket', async () => {
    const client = await connect((await registerUser(t.url)).accessToken);
    client.sendRaw('{not json');
    expect(await client.next(errorFor())).toMatchObject({ code: 2002 });
    client.send({ op: 'teleport' });
    expect(await client.next(errorFor())).toMatchObject({ code: 2001 });
    client.send({ op: 'subscribe' });
    expect(await client.next(errorFor())).toMatchObject({ code: 2001, message: expect.stringContaining('topic') });
    client.sendRaw(Buffer.from([1, 2, 3]));
    expect(await client.next(errorFor())).toMatchObject({ code: 2001 });
    expect(await client.request({ op: 'ping' }, (f) => f.op === 'pong')).toEqual({ op: 'pong' });
  });

  it('gives internal notes to staff, never to the owner', async () => {
    const owner = await registerUser(t.url);
    const ticket = await openTicket(owner.accessToken);
    const ownerClient = await connect(owner.accessToken);
    const staffClient = await connect(admin.accessToken);
    await subscribe(ownerClient, `ticket:${ticket.id}`, { minPosition: ticket.position });
    await subscribe(staffClient, `ticket:${ticket.id}`, { minPosition: ticket.position });

    expect((await as(admin.accessToken).post(`/tickets/${ticket.id}/notes`, { content: 'VIP customer' })).status).toBe(201);
    expect((await as(admin.accessToken).post(`/tickets/${ticket.id}/messages`, { content: 'After the note' })).status).toBe(201);

    const note = await staffClient.next(push(`ticket:${ticket.id}`, 'TicketNoteAdded'));
    expect(note).toMatchObject({ data: { content: 'VIP customer' }, position: expect.any(Number) });
    await staffClient.next(push(`ticket:${ticket.id}`, 'TicketMessagePosted'));
    // The message was published after the note, on one ordered stream: had the note reached the owner, it would be here by now.
    await ownerClient.next(push(`ticket:${ticket.id}`, 'TicketMessagePosted'));
    expect(ownerClient.frames.filter((f) => f.type === 'TicketNoteAdded')).toEqual([]);
  });

  it('limits subscriptions per socket, frames per second, and frame size', async () => {
    const user = await registerUser(t.url);
    const subscriber = await connect(user.accessToken);
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++)
      await subscribe(subscriber, `channel:${(await as(user.accessToken).post('/channels', { name: `limit-${i}` })).body.id as string}`);
    const extra = `presence:${randomUUID()}`;
    expect(await subscriber.request({ op: 'subscribe', topic: extra }, errorFor(extra))).toMatchObject({ code: 5004 });

    const flooder = await connect(user.accessToken);
    for (let i = 0; i < 50; i++) flooder.send({ op: 'ping' });
    expect(await flooder.next(errorFor())).toMatchObject({ code: 5002 });
    expect(flooder.frames.filter((f) => f.op === 'error')).toHaveLength(1); // told once per streak, not per frame
    for (let i = 0; i < 200; i++) flooder.send({ op: 'ping' });
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });

    const oversize = await connect(user.accessToken);
    oversize.send({ op: 'ping', padding: 'x'.repeat(16 * 1024) });
    expect([1006, 1009]).toContain((await oversize.closed).code);
  });

  it('drops a client that does not read, counts it, and keeps serving the others', async () => {
    const owner = await registerUser(t.url);
    const ticket = await openTicket(owner.accessToken);
    const topic = `ticket:${ticket.id}`;
    const slow = await connect(owner.accessToken);
    const reader = await connect(owner.accessToken);
    await subscribe(slow, topic, { minPosition: ticket.position });
    await subscribe(reader, topic);
    const before = gateway().stats().droppedSlowClients;
    (slow.socket as unknown as { _socket: NetSocket })._socket.pause();

    const padding = 'x'.repeat(60 * 1024);
    let seq = 0;
    // Batches paced by the reader, so only the client that does not read falls behind.
    while (gateway().stats().droppedSlowClients === before) {
      if (seq > 2_000) throw new Error('the slow client was never dropped');
      const batch = Array.from({ length: 4 }, () => ({ view: 'tickets', key: ticket.id, type: 'Padding', data: { seq: seq++, padding }, position: 0 }));
      t.infrastructure.changes.publish(batch);
      const last = seq - 1;
      await reader.next(
        push(topic, 'Padding', (f) => f.data.seq === last),
        10_000,
      );
    }
    expect(gateway().stats().droppedSlowClients).toBe(before + 1);
    (slow.socket as unknown as { _socket: NetSocket })._socket.resume();
    await slow.closed;
    expect(reader.socket.readyState).toBe(reader.socket.OPEN);
    expect(reader.frames.filter((f) => f.type === 'Padding')).toHaveLength(seq);
  });

  describe('with a second gateway instance on the same NATS', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startTestApp({
        database: t.database,
        env: {
          NATS_STREAM: t.config.NATS_STREAM,
          NATS_SUBJECT_PREFIX: t.config.NATS_SUBJECT_PREFIX,
          REALTIME_PORT: '0',
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
        },
      });
    });
    // Only the app: the database and the stream belong to the first, which drops them.
    afterAll(async () => second?.app.close());

    it('shows presence across instances: online, idle, offline after disconnect', async () => {
      const alice = await registerUser(t.url);
      const bob = await registerUser(t.url);
      // Presence is shown only between users who share a channel.
      await channelWith(t.url, alice, [bob], { name: 'presence' });
      const aliceClient = await connect(alice.accessToken);
      await subscribe(aliceClient, `presence:${bob.userId}`);
      const bobTopic = `presence:${bob.userId}`;
      expect(await aliceClient.next(push(bobTopic, 'presence'))).toEqual({
        topic: bobTopic,
        type: 'presence',
        data: { userId: bob.userId, status: 'offline' },
      });

      const bobClient = await connect(bob.accessToken, {}, second);
      expect((await aliceClient.next(push(bobTopic, 'presence'))).data.status).toBe('online');
      await subscribe(bobClient, `presence:${alice.userId}`);
      expect((await bobClient.next(push(`presence:${alice.userId}`, 'presence'))).data).toEqual({ userId: alice.userId, status: 'online' });

      bobClient.send({ op: 'presence', status: 'idle' });
      expect((await aliceClient.next(push(bobTopic, 'presence'))).data.status).toBe('idle');
      bobClient.send({ op: 'presence', status: 'online' });
      expect((await aliceClient.next(push(bobTopic, 'presence'))).data.status).toBe('online');
      await bobClient.close();
      expect((await aliceClient.next(push(bobTopic, 'presence'))).data.status).toBe('offline');
    });

    it('brings a ticket change made through one app to a subscriber on the other gateway', async () => {
      const owner = await registerUser(t.url);
      const ticket = await openTicket(owner.accessToken);
      const onSecond = await connect(owner.accessToken, {}, second);
      await subscribe(onSecond, `ticket:${ticket.id}`, { minPosition: ticket.position });
      expect((await as(admin.accessToken).post(`/tickets/${ticket.id}/messages`, { content: 'Across instances' })).status).toBe(201);
      const live = await onSecond.next(push(`ticket:${ticket.id}`, 'TicketMessagePosted'));
      expect(live).toMatchObject({ data: { content: 'Across instances' }, position: expect.any(Number) });
    });

    it('gives channel members the channel: its messages live, and typing signals on every instance, never stored', async () => {
      const [alice, bob, outsider] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
      const created = await channelWith(t.url, alice, [bob], { name: 'realtime' });
      const topic = `channel:${created.body.id as string}`;
      const aliceClient = await connect(alice.accessToken);
      const bobClient = await connect(bob.accessToken, {}, second);
      const bobOnFirst = await connect(bob.accessToken);
      for (const client of [aliceClient, bobClient, bobOnFirst]) await subscribe(client, topic, { minPosition: created.body.position });
      const outsiderClient = await connect(outsider.accessToken, {}, second);
      expect(await outsiderClient.request({ op: 'subscribe', topic }, errorFor(topic))).toMatchObject({ code: 3001, message: 'no such channel' });
      expect(await outsiderClient.request({ op: 'typing.start', topic }, errorFor(topic))).toMatchObject({ code: 3003 });

      expect((await as(alice.accessToken).post(`/channels/${created.body.id}/messages`, { content: 'hello, realtime' })).status).toBe(201);
      expect(await bobClient.next(push(topic, 'ChatMessagePosted'))).toMatchObject({ data: { content: 'hello, realtime' }, position: expect.any(Number) });

      const head = await t.infrastructure.store.headPosition();
      bobClient.send({ op: 'typing.start', topic });
      const typing = { topic, type: 'typing.start', data: { userId: bob.userId } };
      expect(await aliceClient.next(push(topic, 'typing.start'))).toEqual(typing);
      expect(await bobOnFirst.next(push(topic, 'typing.start'))).toEqual(typing);
      aliceClient.send({ op: 'typing.stop', topic });
      expect(await bobClient.next(push(topic, 'typing.stop'))).toEqual({ topic, type: 'typing.stop', data: { userId: alice.userId } });
      // Alice's signal came after Bob's: had Bob's own come back to him, it would be here.
      expect(bobClient.frames.filter((f) => f.type === 'typing.start')).toEqual([]);
      expect(await t.infrastructure.store.headPosition()).toBe(head);
    });
  });

  describe('with short-lived access tokens and fast presence heartbeats', () => {
    let short: TestApp;
    beforeAll(async () => {
      short = await startTestApp({ env: { ACCESS_TOKEN_TTL_SECONDS: '3', REALTIME_PORT: '0', REALTIME_PRESENCE_HEARTBEAT_MS: '250' } });
    });
    afterAll(async () => short?.close());

    it('stays open past the first token when the client re-authenticates, and closes with 4001 when it does not', async () => {
      const user = await registerUser(short.url);
      const other = await registerUser(short.url);
      const firstExpiry = expiryOf(user.accessToken);
      const renewing = await connect(user.accessToken, {}, short);
      const lapsing = await connect(user.accessToken, {}, short);
      expect(await renewing.request({ op: 'auth', token: other.accessToken }, errorFor())).toMatchObject({ code: 1003 });
      expect(await renewing.request({ op: 'auth', token: 'garbage' }, errorFor())).toMatchObject({ code: 1001 });

      // A later second, so that the new token expires after the first (exp has whole seconds).
      await waitUntil(() => Date.now() >= firstExpiry * 1000 - 1500, 5_000, 'shortly before the first expiry');
      const refreshed = await http(short.url, 'POST', '/api/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(refreshed.status).toBe(200);
      const secondExpiry = expiryOf(refreshed.body.accessToken as string);
      expect(secondExpiry).toBeGreaterThan(firstExpiry);
      expect(await renewing.request({ op: 'auth', token: refreshed.body.accessToken }, (f) => f.op === 'authenticated')).toEqual({
        op: 'authenticated',
        expiresAt: secondExpiry,
      });

      expect(await lapsing.closed).toEqual({ code: 4001, reason: 'token expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(firstExpiry * 1000);
      expect(await renewing.request({ op: 'ping' }, (f) => f.op === 'pong')).toEqual({ op: 'pong' });
      expect((await refusedUpgrade(realtimeUrl(gateway(short).port, user.accessToken))).status).toBe(401);

      expect(await renewing.closed).toEqual({ code: 4001, reason: 'token expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(secondExpiry * 1000);
    });

    it('forgets the users of a gateway instance that stops heartbeating', async () => {
      const watching = await registerUser(short.url);
      const ghostUser = await registerUser(short.url);
      await channelWith(short.url, watching, [ghostUser], { name: 'ghosts' });
      const watcher = await connect(watching.accessToken, {}, short);
      const ghost = ghostUser.userId; // a user only the vanished instance knows online
      const topic = `presence:${ghost}`;
      await subscribe(watcher, topic);
      expect((await watcher.next(push(topic, 'presence'))).data.status).toBe('offline');
      // What a gateway instance announces when one of its users connects; then it falls silent (a crash: no goodbye).
      // Its period (400 ms), not the watcher's own (250 ms), decides when it counts as gone.
      const announcement = { kind: 'update', instance: randomUUID(), heartbeatMs: 400, userId: ghost, status: 'online' };
      short.infrastructure.nats!.nc.publish(`presence.${short.config.NATS_SUBJECT_PREFIX}.update`, JSON.stringify(announcement));
      expect((await watcher.next(push(topic, 'presence'))).data.status).toBe('online');
      const since = Date.now();
      expect((await watcher.next(push(topic, 'presence'))).data.status).toBe('offline');
      expect(Date.now() - since).toBeGreaterThanOrEqual(3 * 400 - 100);
    });
  });
});
