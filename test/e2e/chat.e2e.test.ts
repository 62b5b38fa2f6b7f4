/** Chat over HTTP on PostgreSQL + NATS: channels, members, messages with cursors, edits, tombstones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { channelWith } from '../support/chat';
import { loginAdmin } from '../support/customer-api';
import { connectRealtime, subscribe } from '../support/ws-client';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';

const ADMIN = { email: 'chat-admin@example.com', password: 'chat-admin-password-long' };

describe('chat channels and messages (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  });
  afterAll(async () => t?.close());

  const as = (token: string) => ({
    post: (path: string, body: unknown) => http(t.url, 'POST', `/api/v1${path}`, body, bearer(token)),
    patch: (path: string, body: unknown) => http(t.url, 'PATCH', `/api/v1${path}`, body, bearer(token)),
    del: (path: string) => http(t.url, 'DELETE', `/api/v1${path}`, undefined, bearer(token)),
    get: (path: string) => http(t.url, 'GET', `/api/v1${path}`, undefined, bearer(token)),
  });

  it('creates a channel, lets members post and read newest first by cursor, and keeps non-members out', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const a = as(alice.accessToken);
    const created = await channelWith(t.url, alice, [bob], { name: 'general', topic: 'Anything goes', category: 'Text' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const detail = await a.get(`/channels/${id}?minPosition=${created.body.position}`);
    expect(detail.body).toMatchObject({ name: 'general', topic: 'Anything goes', kind: 'text', ownerId: alice.userId });
    expect(detail.body.members.map((m: { id: string }) => m.id).sort()).toEqual([alice.userId, bob.userId].sort());

    const posted = [];
    for (let i = 0; i < 5; i++)
      posted.push((await as(i % 2 ? bob.accessToken : alice.accessToken).post(`/channels/${id}/messages`, { content: `message ${i}` })).body);
    const last = posted[4]!.position as number;
    const page1 = await a.get(`/channels/${id}/messages?limit=2&minPosition=${last}`);
    expect(page1.body.items.map((m: { content: string }) => m.content)).toEqual(['message 4', 'message 3']);
    expect(page1.body.items[1].author).toMatchObject({ id: bob.userId, username: bob.username });
    const page2 = await a.get(`/channels/${id}/messages?limit=2&before=${page1.body.nextBefore}`);
    expect(page2.body.items.map((m: { content: string }) => m.content)).toEqual(['message 2', 'message 1']);
    const newer = await a.get(`/channels/${id}/messages?after=${page2.body.items[0].id}`);
    expect(newer.body.items.map((m: { content: string }) => m.content)).toEqual(['message 4', 'message 3']);

    const c = as(carol.accessToken);
    expect((await c.get(`/channels/${id}`)).status).toBe(404);
    expect((await c.get(`/channels/${id}/messages`)).status).toBe(404);
    expect((await c.post(`/channels/${id}/messages`, { content: 'let me in' })).status).toBe(404);
    expect((await as(bob.accessToken).post(`/channels/${id}/members`, { userId: carol.userId })).body).toMatchObject({ rule: 'OwnersManageChannels' });
    expect((await a.post(`/channels/${id}/members`, { userId: carol.userId })).status).toBe(201);
    const added = await c.post(`/channels/${id}/invitation/accept`, {});
    expect((await c.get(`/channels/${id}/messages?minPosition=${added.body.position}`)).status).toBe(200);
    expect((await c.get(`/channels?minPosition=${added.body.position}`)).body.items.map((ch: { id: string }) => ch.id)).toEqual([id]);
  });

  it('edits and deletes messages (a tombstone stays), author or admin only, and de-duplicates by nonce', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const a = as(alice.accessToken);
    const channel = await channelWith(t.url, alice, [bob], { name: 'edits' });
    const first = await a.post(`/channels/${channel.body.id}/messages`, { content: 'helo', nonce: 'client-1' });
    const retry = await a.post(`/channels/${channel.body.id}/messages`, { content: 'helo', nonce: 'client-1' });
    expect(retry.body.id).toBe(first.body.id);
    expect((await as(bob.accessToken).patch(`/messages/${first.body.id}`, { content: 'hacked' })).body).toMatchObject({ rule: 'AuthorsEditTheirMessages' });
    expect((await a.patch(`/messages/${first.body.id}`, { content: 'hello' })).status).toBe(200);
    const reply = await as(bob.accessToken).post(`/channels/${channel.body.id}/messages`, { content: 'hi', replyTo: first.body.id });
    expect((await as(bob.accessToken).del(`/messages/${first.body.id}`)).body).toMatchObject({ rule: 'AuthorsOrAdminsDeleteMessages' });
    const deleted = await a.del(`/messages/${first.body.id}`);
    expect(deleted.status).toBe(200);
    const page = await a.get(`/channels/${channel.body.id}/messages?minPosition=${Math.max(deleted.body.position, reply.body.position)}`);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).toMatchObject({ content: 'hi', replyTo: first.body.id, deleted: false });
    expect(page.body.items[1]).toMatchObject({ id: first.body.id, content: null, deleted: true, editedAt: expect.any(String) });
    expect((await a.patch(`/messages/${first.body.id}`, { content: 'back' })).body).toMatchObject({ rule: 'DeletedMessagesStayDeleted' });
  });

  it('makes a dm between exactly two users, and lets members leave', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const a = as(alice.accessToken);
    expect((await a.post('/channels', { type: 'dm', name: 'dm', members: [bob.userId, carol.userId] })).body).toMatchObject({
      rule: 'DirectMessagesHaveExactlyTwoMembers',
    });
    const dm = await channelWith(t.url, alice, [bob], { type: 'dm', name: 'dm' });
    expect((await a.post(`/channels/${dm.body.id}/members`, { userId: carol.userId })).body).toMatchObject({ rule: 'DirectMessagesHaveExactlyTwoMembers' });
    const room = await channelWith(t.url, alice, [bob], { name: 'room' });
    const left = await as(bob.accessToken).del(`/channels/${room.body.id}/members/${bob.userId}`);
    expect(left.status).toBe(200);
    expect((await as(bob.accessToken).get(`/channels/${room.body.id}/messages?minPosition=${left.body.position}`)).status).toBe(404);
    const patched = await a.patch(`/channels/${room.body.id}`, { topic: 'renamed topic' });
    expect((await a.get(`/channels/${room.body.id}?minPosition=${patched.body.position}`)).body.topic).toBe('renamed topic');
    const gone = await a.del(`/channels/${room.body.id}`);
    expect((await a.get(`/channels/${room.body.id}?minPosition=${gone.body.position}`)).status).toBe(404);
  });

  it('keeps a removed member from editing or deleting old messages, and freezes a deleted channel and its messages', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const a = as(alice.accessToken);
    const b = as(bob.accessToken);
    const room = await channelWith(t.url, alice, [bob], { name: 'frozen' });
    const bobs = await b.post(`/channels/${room.body.id}/messages`, { content: 'from bob' });
    const alices = await a.post(`/channels/${room.body.id}/messages`, { content: 'from alice' });
    await a.del(`/channels/${room.body.id}/members/${bob.userId}`);
    expect((await b.patch(`/messages/${bobs.body.id}`, { content: 'still here?' })).body).toMatchObject({ status: 404, rule: 'ChannelsAreVisibleToMembers' });
    expect((await b.del(`/messages/${bobs.body.id}`)).body).toMatchObject({ status: 404, rule: 'ChannelsAreVisibleToMembers' });

    const gone = await a.del(`/channels/${room.body.id}`);
    expect((await a.patch(`/messages/${alices.body.id}`, { content: 'after the end' })).body).toMatchObject({
      status: 404,
      rule: 'ChannelsAreVisibleToMembers',
    });
    expect((await a.del(`/messages/${alices.body.id}`)).body).toMatchObject({ status: 404, rule: 'ChannelsAreVisibleToMembers' });
    // Membership rows outlive the channel: reading its messages must not.
    expect((await a.get(`/channels/${room.body.id}/messages?minPosition=${gone.body.position}`)).status).toBe(404);
    expect(await t.infrastructure.store.readStream(`message-${alices.body.id as string}`)).toHaveLength(1);
  });

  it('pages forward from an `after` cursor without skipping, and refuses a cursor from elsewhere', async () => {
    const alice = await registerUser(t.url);
    const a = as(alice.accessToken);
    const room = await a.post('/channels', { name: 'forward' });
    const other = await a.post('/channels', { name: 'elsewhere' });
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await a.post(`/channels/${room.body.id}/messages`, { content: `m${i}` })).body.id as string);
    const foreign = await a.post(`/channels/${other.body.id}/messages`, { content: 'not here' });
    const read = (query: string) => a.get(`/channels/${room.body.id}/messages?minPosition=${foreign.body.position}&${query}`);
    const contents = (page: Awaited<ReturnType<typeof read>>) => page.body.items.map((m: { content: string }) => m.content);

    const first = await read(`limit=2&after=${posted[0]}`);
    expect(contents(first)).toEqual(['m2', 'm1']);
    expect(first.body).toMatchObject({ nextBefore: null, nextAfter: posted[2] });
    const second = await read(`limit=2&after=${first.body.nextAfter}`);
    expect(contents(second)).toEqual(['m4', 'm3']);
    const last = await read(`limit=3&after=${posted[4]}`);
    expect(contents(last)).toEqual(['m6', 'm5']);
    expect(last.body.nextAfter).toBeNull();
    expect(contents(await read(`limit=2&before=${posted[6]}&after=${posted[1]}`))).toEqual(['m5', 'm4']);

    for (const query of [`after=${foreign.body.id}`, `before=${foreign.body.id}`, `after=${crypto.randomUUID()}`]) {
      const refused = await read(query);
      expect(refused.status, query).toBe(400);
      expect(refused.body, query).toMatchObject({ code: 2001, errors: [{ path: query.split('=')[0] }] });
    }
  });

  it('makes naming another user an invitation they accept or decline, pushed on their user topic; an admin adds directly', async () => {
    const [alice, bob, carol, dave] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const a = as(alice.accessToken);
    const b = as(bob.accessToken);
    const bobLive = await connectRealtime(t.app.get(RealtimeGateway).port, bob.accessToken);
    try {
      await subscribe(bobLive, `user:${bob.userId}`);
      const created = await a.post('/channels', { name: 'invite-only', members: [bob.userId] });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const pushed = await bobLive.next((f) => f.topic === `user:${bob.userId}` && f.type === 'ChannelInvitationSent');
      expect(pushed.data).toMatchObject({ channelId: id, userId: bob.userId, by: alice.userId, name: 'invite-only', kind: 'text' });

      // Invited is not in: no reads, no posts, not among the members, until the answer.
      expect((await b.get(`/channels/${id}/messages?minPosition=${created.body.position}`)).status).toBe(404);
      expect((await b.post(`/channels/${id}/messages`, { content: 'uninvited' })).status).toBe(404);
      expect((await a.get(`/channels/${id}?minPosition=${created.body.position}`)).body.members.map((m: { id: string }) => m.id)).toEqual([alice.userId]);
      expect((await b.get(`/channels/invitations?minPosition=${created.body.position}`)).body.items).toEqual([
        expect.objectContaining({ channelId: id, name: 'invite-only', invitedBy: alice.userId, invitedByUsername: alice.username }),
      ]);
      expect((await as(carol.accessToken).post(`/channels/${id}/invitation/accept`, {})).body).toMatchObject({
        status: 404,
        rule: 'InvitationsAreAnsweredByTheInvited',
      });

      const accepted = await b.post(`/channels/${id}/invitation/accept`, {});
      expect(accepted.status).toBe(200);
      await bobLive.next((f) => f.topic === `user:${bob.userId}` && f.type === 'ChannelInvitationAccepted');
      expect((await b.get(`/channels/${id}/messages?minPosition=${accepted.body.position}`)).status).toBe(200);
      expect((await b.get('/channels/invitations')).body.items).toEqual([]);

      expect((await a.post(`/channels/${id}/members`, { userId: carol.userId })).status).toBe(201);
      const declined = await as(carol.accessToken).post(`/channels/${id}/invitation/decline`, {});
      expect(declined.status).toBe(200);
      expect((await as(carol.accessToken).get(`/channels/${id}?minPosition=${declined.body.position}`)).status).toBe(404);

      const admin = (await loginAdmin(t, ADMIN)).api;
      const direct = await admin.post(`/channels/${id}/members`, { userId: dave.userId });
      expect(direct.status).toBe(201);
      expect((await as(dave.accessToken).get(`/channels/${id}/messages?minPosition=${direct.body.position}`)).status).toBe(200);
    } finally {
      await bobLive.close();
    }
  });

  it('makes a dm a request the other side accepts', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const dm = await as(alice.accessToken).post('/channels', { type: 'dm', name: 'hi', members: [bob.userId] });
    expect(dm.status).toBe(201);
    expect((await as(bob.accessToken).post(`/channels/${dm.body.id}/messages`, { content: 'not yet' })).status).toBe(404);
    expect((await as(bob.accessToken).post(`/channels/${dm.body.id}/invitation/accept`, {})).status).toBe(200);
    expect((await as(bob.accessToken).post(`/channels/${dm.body.id}/messages`, { content: 'now' })).status).toBe(201);
  });

  it('refuses to name a user who does not exist, and a reply to a message that is not in the channel', async () => {
    const alice = await registerUser(t.url);
    const a = as(alice.accessToken);
    const ghost = crypto.randomUUID();
    expect((await a.post('/channels', { name: 'ghosts', members: [ghost] })).body).toMatchObject({ status: 404, rule: 'InviteesExist' });
    expect((await a.post('/channels', { type: 'dm', name: 'ghost', members: [ghost] })).body).toMatchObject({ status: 404, rule: 'InviteesExist' });
    const room = await a.post('/channels', { name: 'real' });
    expect((await a.post(`/channels/${room.body.id}/members`, { userId: ghost })).body).toMatchObject({ status: 404, rule: 'InviteesExist' });

    const other = await a.post('/channels', { name: 'other' });
    const elsewhere = await a.post(`/channels/${other.body.id}/messages`, { content: 'over there' });
    for (const replyTo of [crypto.randomUUID(), elsewhere.body.id as string]) {
      expect((await a.post(`/channels/${room.body.id}/messages`, { content: 'reply', replyTo })).body, replyTo).toMatchObject({
        status: 404,
        rule: 'RepliesAnswerAMessageOfTheChannel',
      });
    }
    const here = await a.post(`/channels/${room.body.id}/messages`, { content: 'here' });
    expect((await a.post(`/channels/${room.body.id}/messages`, { content: 'reply', replyTo: here.body.id })).status).toBe(201);
  });
});
