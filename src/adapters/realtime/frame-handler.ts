/**
 * What the gateway does with each client frame once it is admitted and parsed: subscribe (after
 * authorization), unsubscribe, re-authenticate, ping, typing signals and presence status.
 */
import type { PresenceTracker } from './presence';
import type { ClientFrame } from './realtime.frames';
import { errorCodes, errorFrame, type ServerFrame } from './realtime.frames';
import type { SignalBus } from './signal-bus';
import type { SocketAuthenticator } from './socket-auth';
import { scheduleExpiry, sendFrame, type Socket } from './socket-state';
import type { TopicAuthorizer } from './topic-authorizer';
import { isVoiceFrame } from './voice-frames';
import type { VoiceSignaling } from './voice-signaling';
import { parseTopic, staffTopicOf, topicName } from './topics';

export interface FrameHandlerOptions {
  authorizer: TopicAuthorizer;
  authenticator: SocketAuthenticator;
  presence: PresenceTracker;
  signals: SignalBus;
  maxSubscriptions: number;
  voice?: Pick<VoiceSignaling, 'handle'>;
}

export const presencePush = (userId: string, status: string): ServerFrame => ({
  topic: topicName('presence', userId),
  type: 'presence',
  data: { userId, status },
});

export class FrameHandler {
  constructor(private readonly options: FrameHandlerOptions) {}

  async handle(ws: Socket, frame: ClientFrame): Promise<void> {
    if (isVoiceFrame(frame))
      return this.options.voice ? this.options.voice.handle(ws, frame) : sendFrame(ws, errorFrame(errorCodes.invalidFrame, 'this gateway serves no voice'));
    switch (frame.op) {
      case 'ping':
        return sendFrame(ws, { op: 'pong' });
      case 'subscribe':
        return this.subscribe(ws, frame.topic, frame.minPosition);
      case 'unsubscribe':
        return this.unsubscribe(ws, frame.topic);
      case 'auth':
        return this.reauthenticate(ws, frame.token);
      case 'typing.start':
      case 'typing.stop':
        return this.typing(ws, frame.op, frame.topic);
      case 'presence': {
        const state = ws.getUserData();
        return this.options.presence.setStatus(state.id, state.identity.userId, frame.status);
      }
    }
  }

  private async subscribe(ws: Socket, name: string, minPosition: number | undefined): Promise<void> {
    const state = ws.getUserData();
    const topic = parseTopic(name);
    if (!topic) return sendFrame(ws, errorFrame(errorCodes.unknownTopic, 'topics are ticket:, channel:, user: or presence: and a lowercase uuid', name));
    if (state.topics.has(name)) return sendFrame(ws, { op: 'subscribed', topic: name });
    if (state.pending.has(name)) return; // the first request answers
    if (state.topics.size + state.pending.size >= this.options.maxSubscriptions) {
      return sendFrame(ws, errorFrame(errorCodes.tooManySubscriptions, `at most ${this.options.maxSubscriptions} subscriptions per connection`, name));
    }
    state.pending.add(name);
    let decision;
    try {
      decision = await this.options.authorizer.authorize(state.identity, topic, minPosition);
    } catch (error) {
      state.pending.delete(name);
      throw error;
    }
    // Closed meanwhile, or unsubscribed before the answer: nothing to join.
    if (!state.pending.delete(name) || state.closed) return;
    if (!decision.allowed) return sendFrame(ws, errorFrame(decision.code, decision.message, name));
    ws.subscribe(name);
    if (topic.kind === 'ticket' && decision.staff) {
      ws.subscribe(staffTopicOf(topic.id));
      state.staffTickets.add(topic.id);
    }
    state.topics.add(name);
    sendFrame(ws, { op: 'subscribed', topic: name });
    if (topic.kind === 'presence') sendFrame(ws, presencePush(topic.id, this.options.presence.statusOf(topic.id)));
  }

  private unsubscribe(ws: Socket, name: string): void {
    ws.getUserData().pending.delete(name);
    leaveTopic(ws, name);
    sendFrame(ws, { op: 'unsubscribed', topic: name });
  }

  private async reauthenticate(ws: Socket, token: string): Promise<void> {
    const identity = await this.options.authenticator.authenticate(token);
    const state = ws.getUserData();
    if (state.closed) return;
    if (!identity) return sendFrame(ws, errorFrame(errorCodes.unauthenticated, 'the access token is not valid or has expired'));
    if (identity.userId !== state.identity.userId) return sendFrame(ws, errorFrame(errorCodes.forbidden, 'a connection stays with the user who opened it'));
    state.identity = identity;
    scheduleExpiry(ws);
    await this.reauthorizeTopics(ws);
    sendFrame(ws, { op: 'authenticated', expiresAt: identity.expiresAt });
  }

  /** A role that lost a permission loses what it guarded now, not at reconnect: every topic is decided again. */
  private async reauthorizeTopics(ws: Socket): Promise<void> {
    const state = ws.getUserData();
    const identity = state.identity;
    const topics = [...state.topics].flatMap((name) => parseTopic(name) ?? []);
    const decisions = await Promise.all(topics.map((topic) => this.options.authorizer.authorize(identity, topic)));
    topics.forEach((topic, i) => {
      const decision = decisions[i]!;
      // Closed, unsubscribed, or re-authenticated again meanwhile: that newer state stands.
      if (state.closed || state.identity !== identity || !state.topics.has(topic.name)) return;
      if (!decision.allowed) return revokeTopic(ws, topic.name);
      if (topic.kind === 'ticket' && !decision.staff && state.staffTickets.delete(topic.id)) ws.unsubscribe(staffTopicOf(topic.id));
    });
  }

  private typing(ws: Socket, type: 'typing.start' | 'typing.stop', name: string): void {
    const state = ws.getUserData();
    if (parseTopic(name)?.kind !== 'channel') return sendFrame(ws, errorFrame(errorCodes.invalidFrame, 'typing signals go to channel: topics', name));
    if (!state.topics.has(name)) return sendFrame(ws, errorFrame(errorCodes.notSubscribed, 'subscribe to the channel first', name));
    const userId = state.identity.userId;
    // ws.publish reaches every subscriber of this instance but the sender; the bus, the other instances.
    ws.publish(name, JSON.stringify({ topic: name, type, data: { userId } } satisfies ServerFrame));
    this.options.signals.publish({ topic: name, type, userId });
  }
}

/**
 * Takes a topic away from a socket that holds it or is still authorizing it (that subscribe then
 * drops its answer), and tells the client why.
 */
export function revokeTopic(ws: Socket, name: string): void {
  const state = ws.getUserData();
  const pending = state.pending.delete(name);
  if (!pending && !state.topics.has(name)) return;
  leaveTopic(ws, name);
  sendFrame(ws, { op: 'unsubscribed', topic: name, reason: 'access revoked' });
}

/** Leaves a client topic and, for a ticket, its internal-notes topic. */
function leaveTopic(ws: Socket, name: string): void {
  const state = ws.getUserData();
  if (state.topics.delete(name)) ws.unsubscribe(name);
  const topic = parseTopic(name);
  if (topic?.kind === 'ticket' && state.staffTickets.delete(topic.id)) ws.unsubscribe(staffTopicOf(topic.id));
}
