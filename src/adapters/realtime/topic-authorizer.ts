/**
 * Who may subscribe to which topic, decided against the read models with the permissions the
 * HTTP reads ask for: a ticket's owner holding tickets:read-own or a role that reads all tickets
 * (staff also get its internal notes), a channel's members holding channels:read, a user's own
 * notifications, the presence of oneself and of those one shares a channel (or dm) with.
 * Decided at subscribe time and again at re-authentication (and, for presence, when a channel
 * loses a member or goes).
 *
 * Read-your-writes by default: a client that just wrote (opened a ticket, joined a channel) and
 * subscribes at once must not be refused because the view is a moment behind. A subscribe that
 * would be refused waits (bounded, READ_YOUR_WRITES_TIMEOUT_MS) until the view has applied the
 * log's head as of the request, then is decided again; `minPosition` waits for that position first.
 */
import type { Permission } from '../../domain/identity/permissions';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { isMember, shareAChannel } from '../../projections/chat/chat.queries';
import { ProjectionNotCaughtUpError, type ProjectionProgress } from '../../projections/runtime/projection-progress';
import { errorCodes, type ErrorCode } from './realtime.frames';
import type { Topic, TopicKind } from './topics';
import { seesTicket } from '../../domain/tickets/ticket-visibility';

export interface Subscriber {
  userId: string;
  permissions: ReadonlySet<Permission>;
}

export type Decision = { allowed: true; staff: boolean } | { allowed: false; code: ErrorCode; message: string };

/** The view whose read model decides each kind, for `minPosition`. */
const VIEW_OF: Partial<Record<TopicKind, string>> = { ticket: 'tickets', channel: 'chat', presence: 'chat' };

const allow = (staff = false): Decision => ({ allowed: true, staff });
const refuse = (code: ErrorCode, message: string): Decision => ({ allowed: false, code, message });

export class TopicAuthorizer {
  constructor(
    private readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
    /** The event store's head position: how far "caught up" reaches as of a request. */
    private readonly headPosition: () => Promise<number>,
  ) {}

  async authorize(subscriber: Subscriber, topic: Topic, minPosition?: number): Promise<Decision> {
    const view = VIEW_OF[topic.kind];
    if (!view) return this.decide(subscriber, topic);
    if (minPosition !== undefined) {
      const late = await this.caughtUp(view, minPosition);
      if (late) return late;
    }
    // Read before the first decision, so that it covers every write the client saw answered.
    const head = this.headPosition();
    head.catch(() => undefined);
    const first = await this.decide(subscriber, topic);
    if (first.allowed) return first;
    return (await this.caughtUp(view, await head)) ?? this.decide(subscriber, topic);
  }

  /** Null once `view` has applied `position`; the refusal to answer when it does not in time. */
  private async caughtUp(view: string, position: number): Promise<Decision | null> {
    try {
      await this.progress.waitFor(view, position);
      return null;
    } catch (error) {
      if (error instanceof ProjectionNotCaughtUpError) return refuse(errorCodes.notCaughtUp, error.message);
      throw error;
    }
  }

  /** The decision against the read models as they stand, without waiting for them. */
  async decide(subscriber: Subscriber, topic: Topic): Promise<Decision> {
    switch (topic.kind) {
      case 'ticket':
        return this.ticket(subscriber, topic.id);
      case 'channel':
        if (!subscriber.permissions.has('channels:read')) return refuse(errorCodes.forbidden, 'your role lacks channels:read');
        return (await isMember(this.db, topic.id, subscriber.userId)) ? allow() : refuse(errorCodes.unknownTopic, 'no such channel');
      case 'user':
        return topic.id === subscriber.userId ? allow() : refuse(errorCodes.forbidden, 'only your own notifications');
      case 'presence':
        if (topic.id === subscriber.userId || (await shareAChannel(this.db, subscriber.userId, topic.id))) return allow();
        // Whether the user exists is not told either.
        return refuse(errorCodes.unknownTopic, 'no such user among those you share a channel with');
    }
  }

  private async ticket({ userId, permissions }: Subscriber, ticketId: string): Promise<Decision> {
    const row = await this.db.selectFrom('tickets').select('owner_id').where('id', '=', ticketId).executeTakeFirst();
    const readsAll = permissions.has('tickets:read-all');
    if (!readsAll && !permissions.has('tickets:read-own')) return refuse(errorCodes.forbidden, 'your role lacks tickets:read-own');
    // Only those who may read every ticket learn that one does not exist.
    if (!row) return readsAll ? refuse(errorCodes.unknownTopic, 'no such ticket') : refuse(errorCodes.forbidden, 'not your ticket');
    if (!seesTicket({ id: userId, readsAll }, { ownerId: row.owner_id })) return refuse(errorCodes.forbidden, 'not your ticket');
    return allow(permissions.has('tickets:internal-notes'));
  }
}
