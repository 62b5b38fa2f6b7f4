/**
 * Who may subscribe to which topic, decided against the read models with the permissions the
 * HTTP reads ask for: a ticket's owner holding tickets:read-own or a role that reads all tickets
 * (staff also get its internal notes), a channel's members holding channels:read, a user's own
 * notifications, anyone's presence. Decided at subscribe time and again at re-authentication.
 */
import type { Permission } from '../../domain/identity/permissions';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { isMember } from '../../projections/chat/chat.queries';
import { ProjectionNotCaughtUpError, type ProjectionProgress } from '../../projections/runtime/projection-progress';
import { errorCodes, type ErrorCode } from './realtime.frames';
import type { Topic, TopicKind } from './topics';

export interface Subscriber {
  userId: string;
  permissions: ReadonlySet<Permission>;
}

export type Decision = { allowed: true; staff: boolean } | { allowed: false; code: ErrorCode; message: string };

/** The view whose read model decides each kind, for `minPosition`. */
const VIEW_OF: Partial<Record<TopicKind, string>> = { ticket: 'tickets', channel: 'chat' };

const allow = (staff = false): Decision => ({ allowed: true, staff });
const refuse = (code: ErrorCode, message: string): Decision => ({ allowed: false, code, message });

export class TopicAuthorizer {
  constructor(
    private readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
  ) {}

  async authorize(subscriber: Subscriber, topic: Topic, minPosition?: number): Promise<Decision> {
    const view = VIEW_OF[topic.kind];
    if (view && minPosition !== undefined) {
      try {
        await this.progress.waitFor(view, minPosition);
      } catch (error) {
        if (error instanceof ProjectionNotCaughtUpError) return refuse(errorCodes.notCaughtUp, error.message);
        throw error;
      }
    }
    switch (topic.kind) {
      case 'ticket':
        return this.ticket(subscriber, topic.id);
      case 'channel':
        if (!subscriber.permissions.has('channels:read')) return refuse(errorCodes.forbidden, 'your role lacks channels:read');
        return (await isMember(this.db, topic.id, subscriber.userId)) ? allow() : refuse(errorCodes.forbidden, 'you are not a member of this channel');
      case 'user':
        return topic.id === subscriber.userId ? allow() : refuse(errorCodes.forbidden, 'only your own notifications');
      case 'presence':
        return allow();
    }
  }

  private async ticket({ userId, permissions }: Subscriber, ticketId: string): Promise<Decision> {
    const row = await this.db.selectFrom('tickets').select('owner_id').where('id', '=', ticketId).executeTakeFirst();
    const readsAll = permissions.has('tickets:read-all');
    if (!readsAll && !permissions.has('tickets:read-own')) return refuse(errorCodes.forbidden, 'your role lacks tickets:read-own');
    // Only those who may read every ticket learn that one does not exist.
    if (!row) return readsAll ? refuse(errorCodes.unknownTopic, 'no such ticket') : refuse(errorCodes.forbidden, 'not your ticket');
    if (row.owner_id !== userId && !readsAll) return refuse(errorCodes.forbidden, 'not your ticket');
    return allow(permissions.has('tickets:internal-notes'));
  }
}
