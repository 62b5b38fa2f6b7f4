/**
 * A revocation that arrives while a subscribe to the same topic is still being authorized: the
 * subscribe must not join when its (earlier, now stale) answer comes back. The authorizer here
 * is held open by the test, because only that shows the interleaving deterministically.
 */
import { describe, expect, it } from 'vitest';
import { FrameHandler, revokeTopic } from '../../src/adapters/realtime/frame-handler';
import type { Socket, SocketState } from '../../src/adapters/realtime/socket-state';
import type { Decision, TopicAuthorizer } from '../../src/adapters/realtime/topic-authorizer';
import type { FrameHandlerOptions } from '../../src/adapters/realtime/frame-handler';

const topic = 'channel:0b7e5a52-59e4-4b8e-9a86-6c2f3c1d4e5f';

function socket() {
  const joined = new Set<string>();
  const sent: unknown[] = [];
  const state = {
    id: 1,
    identity: { userId: 'u1', permissions: new Set() },
    topics: new Set(),
    staffTickets: new Set(),
    pending: new Set(),
    closed: false,
    slow: false,
  } as unknown as SocketState;
  const ws = {
    getUserData: () => state,
    subscribe: (name: string) => joined.add(name),
    unsubscribe: (name: string) => joined.delete(name),
    send: (text: string) => sent.push(JSON.parse(text)),
  } as unknown as Socket;
  return { ws, state, joined, sent };
}

function heldAuthorizer() {
  let answer!: (decision: Decision) => void;
  const authorizer = { authorize: () => new Promise<Decision>((resolve) => (answer = resolve)) } as unknown as TopicAuthorizer;
  return { authorizer, allow: () => answer({ allowed: true, staff: false }) };
}

const handlerWith = (authorizer: TopicAuthorizer) => new FrameHandler({ authorizer, maxSubscriptions: 5 } as unknown as FrameHandlerOptions);

describe('revoking a topic', () => {
  it('drops a subscribe still being authorized, and tells the client', async () => {
    const { ws, state, joined, sent } = socket();
    const held = heldAuthorizer();
    const subscribing = handlerWith(held.authorizer).handle(ws, { op: 'subscribe', topic });
    expect(state.pending.has(topic)).toBe(true);

    revokeTopic(ws, topic);
    held.allow();
    await subscribing;

    expect(joined.size).toBe(0);
    expect(state.topics.size).toBe(0);
    expect(sent).toEqual([{ op: 'unsubscribed', topic, reason: 'access revoked' }]);
  });

  it('leaves a joined topic, and says nothing about a topic the socket never asked for', async () => {
    const { ws, state, joined, sent } = socket();
    const held = heldAuthorizer();
    const subscribing = handlerWith(held.authorizer).handle(ws, { op: 'subscribe', topic });
    held.allow();
    await subscribing;
    expect(joined.has(topic)).toBe(true);

    revokeTopic(ws, topic);
    revokeTopic(ws, 'channel:11111111-2222-4333-8444-555555555555');
    expect(joined.size).toBe(0);
    expect(state.topics.size).toBe(0);
    expect(sent).toEqual([
      { op: 'subscribed', topic },
      { op: 'unsubscribed', topic, reason: 'access revoked' },
    ]);
  });
});
