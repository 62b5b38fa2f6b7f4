/**
 * Two deployments sharing one NATS, each with its own stream and subject prefix (NATS_STREAM,
 * NATS_SUBJECT_PREFIX): neither hears the other's change notices, presence or typing signals. A
 * notice of the other deployment would reach its gateway's subscribers, and presence would show the
 * other deployment's users.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeNotice } from '../../src/ports/change-bus.port';
import { PresenceTracker } from '../../src/adapters/realtime/presence';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { Signal, SignalBus } from '../../src/adapters/realtime/signal-bus';
import { registerUser, startTestApp, TestApp } from '../support/app';
import { waitUntil } from '../support/poll';
import { TEST_NATS_URL } from '../support/services';
import { connectRealtime } from '../support/ws-client';

const log = pino({ level: 'silent' });

describe('two deployments on one NATS', () => {
  let a: TestApp;
  let b: TestApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp({ env: { REALTIME_PORT: '0' } }), startTestApp({ env: { REALTIME_PORT: '0' } })]);
    expect(a.config.NATS_SUBJECT_PREFIX).not.toBe(b.config.NATS_SUBJECT_PREFIX);
    nc = await connect({ servers: TEST_NATS_URL });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("hear only their own change notices: a registration in one reaches that one's gateway, not the other's", async () => {
    const heard = { a: [] as ChangeNotice[], b: [] as ChangeNotice[] };
    const stop = [a.infrastructure.changes.subscribe('>', (n) => heard.a.push(n)), b.infrastructure.changes.subscribe('>', (n) => heard.b.push(n))];
    await Promise.all([a.infrastructure.nats!.nc.flush(), b.infrastructure.nats!.nc.flush()]);
    const about = (notices: ChangeNotice[], userId: string) => notices.filter((n) => n.key === userId);
    try {
      const onA = await registerUser(a.url);
      await waitUntil(() => about(heard.a, onA.userId).length > 0, 10_000, "A's notice of its own registration");
      // B's own notice arrives after A's has had every chance to: the two were published in that order.
      const onB = await registerUser(b.url);
      await waitUntil(() => about(heard.b, onB.userId).length > 0, 10_000, "B's notice of its own registration");
      expect(about(heard.b, onA.userId)).toEqual([]);
      expect(about(heard.a, onB.userId)).toEqual([]);
    } finally {
      for (const unsubscribe of stop) unsubscribe();
    }
  });

  it("hear only their own presence and typing signals: a user online on one is offline for the other's gateways", async () => {
    const changes: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const tracker = (t: TestApp, key: 'a' | 'b') =>
      new PresenceTracker({
        nats: nc,
        subjectPrefix: t.config.NATS_SUBJECT_PREFIX,
        heartbeatMs: 200,
        log,
        onChange: (userId, status) => changes[key].push(`${userId}:${status}`),
      });
    const [ofA, ofB] = [tracker(a, 'a'), tracker(b, 'b')];
    const signals: Record<'a' | 'b', Signal[]> = { a: [], b: [] };
    const signalBus = (t: TestApp, instance: string, into?: Signal[]) =>
      new SignalBus({ nats: nc, subjectPrefix: t.config.NATS_SUBJECT_PREFIX, instance, log, onSignal: (signal) => into?.push(signal) });
    const [hearsA, hearsB, sendsOnA] = [signalBus(a, 'listener-a', signals.a), signalBus(b, 'listener-b', signals.b), signalBus(a, 'sender-a')];
    await Promise.all([ofA.start(), ofB.start(), hearsA.start(), hearsB.start()]);
    const user = await registerUser(a.url);
    const socket = await connectRealtime(a.app.get(RealtimeGateway).port, user.accessToken);
    try {
      await waitUntil(() => ofA.statusOf(user.userId) === 'online', 10_000, "A's gateways to see the user online");
      sendsOnA.publish({ topic: 'channel:c1', type: 'typing.start', userId: user.userId });
      await waitUntil(() => signals.a.length > 0, 10_000, "A's gateways to hear the typing signal");
      // B's own traffic (a hello answered, a heartbeat) has come round by now; A's would have come with it.
      await nc.flush();
      expect(ofB.statusOf(user.userId)).toBe('offline');
      expect(changes.b).toEqual([]);
      expect(signals.b).toEqual([]);
    } finally {
      await socket.close();
      hearsA.stop();
      hearsB.stop();
      await Promise.all([ofA.stop(), ofB.stop()]);
    }
  });
});
