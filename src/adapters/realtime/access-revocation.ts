/**
 * What a committed change takes away from open sockets. Access is checked when a client
 * subscribes; these changes withdraw it while the socket stays open: a member removed from a
 * channel loses its topic, a deleted channel loses every subscriber, a deactivated account loses
 * its sockets, and whoever no longer shares a channel with someone loses sight of their presence
 * (decided again against the read model). Each is applied after the change itself was pushed, so
 * the client sees why. Revoked sessions arrive apart from the changes (SessionRevocationBus).
 */
import type { ChangeNotice } from '../../ports/change-bus.port';
import type { Logger } from 'pino';
import { revokeTopic } from './frame-handler';
import type { Socket } from './socket-state';
import type { TopicAuthorizer } from './topic-authorizer';
import { parseTopic, topicName } from './topics';

export type Revocation =
  /** Unsubscribes `topic` from every socket of `userId`, or from every socket when absent. */
  | { kind: 'topic'; topic: string; userId?: string }
  | { kind: 'sockets'; userId: string }
  | { kind: 'sessions'; sessionIds: readonly string[] }
  /** Decides again the presence topics held by `userId` or about them, or every one when absent. */
  | { kind: 'presence'; userId?: string };

export function revocationsOf(change: Pick<ChangeNotice, 'view' | 'key' | 'type' | 'data'>): Revocation[] {
  switch (`${change.view}/${change.type}`) {
    case 'chat/ChannelMemberRemoved': {
      const userId = (change.data as { userId?: unknown } | undefined)?.userId;
      return typeof userId === 'string'
        ? [
            { kind: 'topic', topic: topicName('channel', change.key), userId },
            { kind: 'presence', userId },
          ]
        : [];
    }
    case 'chat/ChannelDeleted':
      // Its members are not in the notice: every presence topic is decided again.
      return [{ kind: 'topic', topic: topicName('channel', change.key) }, { kind: 'presence' }];
    case 'users/UserDeactivated':
      return [{ kind: 'sockets', userId: change.key }];
    default:
      return [];
  }
}

/** Takes away what a revocation withdrew, from the sockets of this instance (every instance hears it). */
export class SocketRevoker {
  constructor(
    private readonly sockets: ReadonlySet<Socket>,
    private readonly authorizer: TopicAuthorizer,
    private readonly log: Logger,
  ) {}

  apply(revocation: Revocation): void {
    if (revocation.kind === 'presence') {
      this.presence(revocation.userId).catch((error: unknown) => this.log.error({ err: error }, 'presence re-check failed'));
      return;
    }
    const sessions = new Set(revocation.kind === 'sessions' ? revocation.sessionIds : []);
    for (const ws of [...this.sockets]) {
      const { identity, closed } = ws.getUserData();
      if (closed) continue;
      switch (revocation.kind) {
        case 'sockets':
          if (identity.userId === revocation.userId) ws.end(4003, 'access revoked');
          break;
        case 'sessions':
          if (sessions.has(identity.sessionId)) ws.end(4003, 'session revoked');
          break;
        case 'topic':
          if (revocation.userId === undefined || identity.userId === revocation.userId) revokeTopic(ws, revocation.topic);
          break;
      }
    }
  }

  private async presence(userId: string | undefined): Promise<void> {
    const checks = [...this.sockets].flatMap((ws) => {
      const state = ws.getUserData();
      return [...state.topics].flatMap((name) => {
        const topic = parseTopic(name);
        if (topic?.kind !== 'presence' || state.closed) return [];
        if (userId !== undefined && topic.id !== userId && state.identity.userId !== userId) return [];
        return [{ ws, topic, identity: state.identity }];
      });
    });
    await Promise.all(
      checks.map(async ({ ws, topic, identity }) => {
        const decision = await this.authorizer.decide(identity, topic);
        // Re-authenticated meanwhile: that check stands.
        if (!decision.allowed && ws.getUserData().identity === identity) revokeTopic(ws, topic.name);
      }),
    );
  }
}
