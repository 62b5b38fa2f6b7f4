/**
 * What a committed change takes away from open sockets. Access is checked when a client
 * subscribes; these changes withdraw it while the socket stays open: a member removed from a
 * channel loses its topic, a deleted channel loses every subscriber, a deactivated account loses
 * its sockets. Each is applied after the change itself was pushed, so the client sees why.
 */
import type { ChangeNotice } from '../../ports/change-bus.port';
import { topicName } from './topics';

export type Revocation =
  /** Unsubscribes `topic` from every socket of `userId`, or from every socket when absent. */
  | { kind: 'topic'; topic: string; userId?: string }
  | { kind: 'sockets'; userId: string };

export function revocationOf(change: Pick<ChangeNotice, 'view' | 'key' | 'type' | 'data'>): Revocation | null {
  switch (`${change.view}/${change.type}`) {
    case 'chat/ChannelMemberRemoved': {
      const userId = (change.data as { userId?: unknown } | undefined)?.userId;
      return typeof userId === 'string' ? { kind: 'topic', topic: topicName('channel', change.key), userId } : null;
    }
    case 'chat/ChannelDeleted':
      return { kind: 'topic', topic: topicName('channel', change.key) };
    case 'users/UserDeactivated':
      return { kind: 'sockets', userId: change.key };
    default:
      return null;
  }
}
