/**
 * Voice channels end to end, against the app on PostgreSQL + NATS with its werift SFU, with real
 * WebRTC peers (@roamhq/wrtc) on 127.0.0.1: join through the gateway, hear a generated tone, see
 * who joins, speaks and leaves, and watch the participants read model follow each step. Then the
 * rules (members only, the user limit, one channel at a time, moderation) and ghost removal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { problemCodes } from '../../src/adapters/http/problem-codes';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { channelWith } from '../support/chat';
import { waitUntil } from '../support/poll';
import { connectRealtime, subscribe, type Frame, type RealtimeClient } from '../support/ws-client';
import { call, joinVoice } from '../support/voice-client';
import type { VoicePeer } from '../support/voice-peer';

const GRACE_MS = 1_500;
const MEDIA_WAIT_MS = 20_000;

const push =
  (channelId: string, type: string, extra: (frame: Frame) => boolean = () => true) =>
  (frame: Frame) =>
    frame.topic === `voice:${channelId}` && frame.type === type && extra(frame);
const errorFrame = (frame: Frame) => frame.op === 'error';

describe('voice channels (werift SFU, real WebRTC peers)', () => {
  let t: TestApp;
  const clients: RealtimeClient[] = [];
  const peers: VoicePeer[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { VOICE_GRACE_MS: String(GRACE_MS), VOICE_UDP_PORT_MIN: '22000', VOICE_UDP_PORT_MAX: '22199' } });
  });
  afterAll(async () => {
    for (const peer of peers) peer.close();
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  const connect = async (token: string, app: TestApp = t) => {
    const client = await connectRealtime(app.app.get(RealtimeGateway).port, token);
    clients.push(client);
    return client;
  };
  const api = (token: string) => ({
    get: (path: string) => http(t.url, 'GET', `/api/v1${path}`, undefined, bearer(token)),
    post: (path: string, body: unknown) => http(t.url, 'POST', `/api/v1${path}`, body, bearer(token)),
    patch: (path: string, body: unknown) => http(t.url, 'PATCH', `/api/v1${path}`, body, bearer(token)),
    delete: (path: string) => http(t.url, 'DELETE', `/api/v1${path}`, undefined, bearer(token)),
  });
  /** Each channel's creation position: reads of it wait at least for that. */
  const createdAt = new Map<string, number>();
  const voiceChannel = async (owner: { accessToken: string }, members: { userId: string; accessToken: string }[], type = 'voice') => {
    // Members are invited and accept: the position is that of the last acceptance.
    const created = await channelWith(t.url, owner, members, { type, name: 'lounge' });
    createdAt.set(created.body.id as string, created.body.position as number);
    return created.body.id as string;
  };
  const roster = async (token: string, channelId: string, minPosition = createdAt.get(channelId)) => {
    const response = await api(token).get(`/channels/${channelId}/voice?minPosition=${minPosition ?? 0}`);
    expect(response.status).toBe(200);
    return response.body as { userLimit: number; participants: { userId: string; muted: boolean; serverMuted: boolean }[] };
  };
  const ids = (body: { participants: { userId: string }[] }) => body.participants.map((p) => p.userId);

  it('carries a tone from A to B through the SFU, with joins, speaking, mute and leave pushed and in the read model', async () => {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const channelId = await voiceChannel(a, [b]);
    const [aClient, bClient] = await Promise.all([connect(a.accessToken), connect(b.accessToken)]);

    const bCall = await call(bClient, channelId, { tone: false });
    peers.push(bCall.peer);
    expect(bCall.joined).toMatchObject({
      op: 'voice.joined',
      channelId,
      userLimit: 50,
      participants: [expect.objectContaining({ userId: b.userId, muted: false })],
    });

    const aCall = await call(aClient, channelId, { tone: { amplitude: 10_000 }, trickle: true });
    peers.push(aCall.peer);
    expect(ids(aCall.joined as { participants: { userId: string }[] })).toEqual([b.userId, a.userId]);
    const joinedPush = await bClient.next(push(channelId, 'voice.user_joined', (f) => f.data.userId === a.userId));
    expect(joinedPush.position).toBe(aCall.joined.position);
    expect(ids(await roster(b.accessToken, channelId, joinedPush.position))).toEqual([b.userId, a.userId]);

    await waitUntil(async () => (await bCall.peer.inbound()).packetsReceived > 0, MEDIA_WAIT_MS, 'B receives audio packets');
    await waitUntil(async () => (await bCall.peer.inbound()).audioLevel > 0, MEDIA_WAIT_MS, 'a non-zero audio level at B');
    expect((await bCall.peer.inbound()).totalAudioEnergy).toBeGreaterThan(0);
    await bClient.next(
      push(channelId, 'voice.speaking', (f) => f.data.userId === a.userId && f.data.speaking === true),
      MEDIA_WAIT_MS,
    );
    // B sends nothing: nobody speaks as B, and A has nothing to hear.
    expect(bClient.frames.some(push(channelId, 'voice.speaking', (f) => f.data.userId === b.userId))).toBe(false);

    aClient.send({ op: 'voice.mute' });
    const muted = await bClient.next(push(channelId, 'voice.user_updated', (f) => f.data.userId === a.userId && f.data.muted === true));
    expect((await roster(b.accessToken, channelId, muted.position)).participants.find((p) => p.userId === a.userId)).toMatchObject({ muted: true });
    await bClient.next(
      push(channelId, 'voice.speaking', (f) => f.data.userId === a.userId && f.data.speaking === false),
      MEDIA_WAIT_MS,
    );

    const left = await aClient.request({ op: 'voice.leave' }, (f) => f.op === 'voice.left');
    expect(left).toEqual({ op: 'voice.left', channelId, reason: 'left' });
    const leftPush = await bClient.next(push(channelId, 'voice.user_left', (f) => f.data.userId === a.userId));
    expect(leftPush.data).toMatchObject({ reason: 'left', by: a.userId });
    expect(ids(await roster(b.accessToken, channelId, leftPush.position))).toEqual([b.userId]);
  });

  it('lets only members of a voice channel join, and answers bad signaling with error frames', async () => {
    const [owner, stranger] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const voiceId = await voiceChannel(owner, []);
    const textId = await voiceChannel(owner, [], 'text');
    const [ownerClient, strangerClient] = await Promise.all([connect(owner.accessToken), connect(stranger.accessToken)]);

    expect(await strangerClient.request({ op: 'voice.join', channelId: voiceId }, errorFrame)).toMatchObject({
      code: problemCodes.notFound.code,
      topic: `voice:${voiceId}`,
    });
    expect(await ownerClient.request({ op: 'voice.join', channelId: textId }, errorFrame)).toMatchObject({ code: problemCodes.illegalState.code });
    expect(await ownerClient.request({ op: 'voice.join', channelId: 'not-a-uuid' }, errorFrame)).toMatchObject({ code: problemCodes.validationFailed.code });
    expect(await ownerClient.request({ op: 'voice.offer', sdp: 'v=0' }, errorFrame)).toMatchObject({
      code: problemCodes.illegalState.code,
      message: 'join a voice channel first',
    });
    expect(await roster(owner.accessToken, voiceId)).toEqual({ channelId: voiceId, userLimit: 50, participants: [] });

    await joinVoice(ownerClient, voiceId);
    expect(await ownerClient.request({ op: 'voice.offer', sdp: 'not an sdp' }, errorFrame)).toMatchObject({ code: problemCodes.validationFailed.code });
    expect(await ownerClient.request({ op: 'voice.answer', sdp: 'v=0' }, errorFrame)).toMatchObject({ code: problemCodes.illegalState.code });

    expect((await api(stranger.accessToken).get(`/channels/${voiceId}/voice?minPosition=${createdAt.get(voiceId)}`)).status).toBe(404);
    expect((await api(owner.accessToken).get(`/channels/${textId}/voice?minPosition=${createdAt.get(textId)}`)).status).toBe(404);
    expect((await api(owner.accessToken).get('/channels/not-a-uuid/voice')).status).toBe(400);
  });

  it('keeps the user limit a moderator sets', async () => {
    const [owner, member, late] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const channelId = await voiceChannel(owner, [member, late]);
    expect((await api(member.accessToken).patch(`/channels/${channelId}/voice`, { userLimit: 1 })).status).toBe(403);
    const bad = await api(owner.accessToken).patch(`/channels/${channelId}/voice`, { userLimit: 101 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const limited = await api(owner.accessToken).patch(`/channels/${channelId}/voice`, { userLimit: 1 });
    expect(limited.status).toBe(200);
    expect((await roster(owner.accessToken, channelId, limited.body.position)).userLimit).toBe(1);

    const [memberClient, lateClient, ownerClient] = await Promise.all([connect(member.accessToken), connect(late.accessToken), connect(owner.accessToken)]);
    await subscribe(ownerClient, `channel:${channelId}`);
    await joinVoice(memberClient, channelId);
    // Members watching the channel, not in voice themselves, see who is.
    expect(await ownerClient.next((f) => f.topic === `channel:${channelId}` && f.type === 'VoiceParticipantJoined')).toMatchObject({
      data: { userId: member.userId },
      position: expect.any(Number),
    });
    const refused = await lateClient.request({ op: 'voice.join', channelId }, errorFrame);
    expect(refused).toMatchObject({ code: problemCodes.illegalState.code, message: expect.stringContaining('full') });
  });

  it('keeps a user in one voice channel at a time, across their connections', async () => {
    const user = await registerUser(t.url);
    const [first, second] = [await voiceChannel(user, []), await voiceChannel(user, [])];
    const [socketA, socketB] = await Promise.all([connect(user.accessToken), connect(user.accessToken)]);

    await joinVoice(socketA, first);
    const moved = await joinVoice(socketA, second);
    expect(await socketA.next((f) => f.op === 'voice.left')).toEqual({ op: 'voice.left', channelId: first, reason: 'switched' });
    expect(ids(await roster(user.accessToken, first, moved.position))).toEqual([]);
    expect(ids(await roster(user.accessToken, second, moved.position))).toEqual([user.userId]);

    // The other connection joins the first channel: the session on socket A is left, wherever it is hosted.
    const back = await joinVoice(socketB, first);
    expect(await socketA.next((f) => f.op === 'voice.left' && f.channelId === second)).toEqual({ op: 'voice.left', channelId: second, reason: 'switched' });
    expect(ids(await roster(user.accessToken, second, back.position))).toEqual([]);
    expect(ids(await roster(user.accessToken, first, back.position))).toEqual([user.userId]);
  });

  it('lets the owner server-mute and disconnect a participant, not a member', async () => {
    const [owner, member] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const channelId = await voiceChannel(owner, [member]);
    const memberClient = await connect(member.accessToken);
    await joinVoice(memberClient, channelId);
    const participant = `/channels/${channelId}/voice/participants/${member.userId}`;

    expect((await api(member.accessToken).patch(`/channels/${channelId}/voice/participants/${owner.userId}`, { serverMuted: true })).status).toBe(403);
    const muted = await api(owner.accessToken).patch(participant, { serverMuted: true });
    expect(muted.status).toBe(200);
    expect(await memberClient.next(push(channelId, 'voice.user_updated', (f) => f.data.serverMuted === true))).toMatchObject({
      data: { userId: member.userId, by: owner.userId },
    });
    expect((await roster(owner.accessToken, channelId, muted.body.position)).participants).toEqual([
      expect.objectContaining({ userId: member.userId, serverMuted: true }),
    ]);

    const disconnected = await api(owner.accessToken).delete(participant);
    expect(disconnected.status).toBe(200);
    expect(await memberClient.next((f) => f.op === 'voice.left')).toEqual({ op: 'voice.left', channelId, reason: 'disconnected' });
    expect(ids(await roster(owner.accessToken, channelId, disconnected.body.position))).toEqual([]);
    expect((await api(owner.accessToken).patch(participant, { serverMuted: false })).status).toBe(404);
  });

  it('ends the session of a member removed from the channel', async () => {
    const [owner, member] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const channelId = await voiceChannel(owner, [member]);
    const memberClient = await connect(member.accessToken);
    await joinVoice(memberClient, channelId);
    expect((await api(owner.accessToken).delete(`/channels/${channelId}/members/${member.userId}`)).status).toBe(200);
    expect(await memberClient.next((f) => f.op === 'voice.left')).toEqual({ op: 'voice.left', channelId, reason: 'access_revoked' });
    await waitUntil(async () => ids(await roster(owner.accessToken, channelId)).length === 0, 10_000, 'the removed member is no longer listed');
  });

  it('removes a participant whose connection stays away past the grace period, by an event', async () => {
    const [owner, ghost, back] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const channelId = await voiceChannel(owner, [ghost, back]);
    const ownerClient = await connect(owner.accessToken);
    await joinVoice(ownerClient, channelId);
    const ghostClient = await connect(ghost.accessToken);
    await joinVoice(ghostClient, channelId);
    const backClient = await connect(back.accessToken);
    await joinVoice(backClient, channelId);

    // `back` drops and comes back within the grace period; `ghost` drops for good, later.
    backClient.socket.terminate();
    const returned = await connect(back.accessToken);
    await joinVoice(returned, channelId);
    ghostClient.socket.terminate();

    const gone = await ownerClient.next(
      push(channelId, 'voice.user_left', (f) => f.data.userId === ghost.userId),
      GRACE_MS * 5,
    );
    expect(gone.data).toMatchObject({ reason: 'timed_out', by: null });
    expect(ids(await roster(owner.accessToken, channelId, gone.position))).toEqual([owner.userId, back.userId]);
    // The session `back` dropped ended (on the same stream, in order) before the ghost's did, and removed no one.
    expect(ownerClient.frames.filter(push(channelId, 'voice.user_left', (f) => f.data.userId === back.userId))).toEqual([]);
    const left = (await t.infrastructure.store.readStream(`voice-${channelId}`)).filter((e) => e.type === 'VoiceParticipantLeft');
    expect(left.map((e) => e.data.userId)).toEqual([ghost.userId]);
  });

  describe('with a second gateway instance on the same NATS', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startTestApp({
        database: t.database,
        env: {
          NATS_STREAM: t.config.NATS_STREAM,
          NATS_SUBJECT_PREFIX: t.config.NATS_SUBJECT_PREFIX,
          VOICE_GRACE_MS: String(GRACE_MS),
          VOICE_UDP_PORT_MIN: '22200',
          VOICE_UDP_PORT_MAX: '22399',
        },
      });
    });
    // Only the app: the database and the stream belong to the first, which drops them.
    afterAll(async () => second?.app.close());

    it('pushes joins to the other instance, and ends a dropped session once though both instances try', async () => {
      const [owner, member] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const channelId = await voiceChannel(owner, [member]);
      const ownerClient = await connect(owner.accessToken);
      await joinVoice(ownerClient, channelId);
      const memberClient = await connect(member.accessToken, second);
      await joinVoice(memberClient, channelId);
      await ownerClient.next(push(channelId, 'voice.user_joined', (f) => f.data.userId === member.userId));

      // The second instance's timer and the first instance's sweep (presence: offline everywhere) both end it.
      memberClient.socket.terminate();
      const gone = await ownerClient.next(
        push(channelId, 'voice.user_left', (f) => f.data.userId === member.userId),
        GRACE_MS * 5,
      );
      expect(gone.data.reason).toBe('timed_out');
      await waitUntil(() => second.app.get(RealtimeGateway).stats().connections === 0, 5_000, 'the second gateway saw the drop');
      const left = (await t.infrastructure.store.readStream(`voice-${channelId}`)).filter((e) => e.type === 'VoiceParticipantLeft');
      expect(left).toHaveLength(1);
    });
  });
});
