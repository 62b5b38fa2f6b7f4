/**
 * Answers from the event log itself, never from a mutable table: a ticket's status history, and
 * the ticket as it was at a past moment (its stream folded up to then).
 */
import type { EventStore, RecordedEvent } from '../../ports/event-store.port';
import { isEventOf } from '../../domain/decider';
import { ticketDecider, ticketStream, type TicketEvent } from '../../domain/tickets/ticket.decider';
import { evolvePastTicket } from './past-ticket';
import { seesTicket } from '../../domain/tickets/ticket-visibility';
import type { ReadModelDb } from '../runtime/projection';
import { profilesByIds } from '../identity/users.queries';
import type { TicketViewer } from './tickets.queries';

/** The ticket's events, or null when it does not exist for this viewer (the same answer either way). */
async function visibleEvents(store: EventStore, ticketId: string, viewer: TicketViewer): Promise<RecordedEvent<TicketEvent>[] | null> {
  const events = (await store.readStream(ticketStream(ticketId))).filter((event) => isEventOf(ticketDecider, event));
  const opened = events[0];
  if (!opened || opened.type !== 'TicketOpened') return null;
  if (!seesTicket(viewer, opened.data)) return null;
  return events;
}

export interface StatusChange {
  from: string | null;
  to: string;
  by: string;
  cause: string;
  at: Date;
  position: number;
}

export async function ticketStatusHistory(store: EventStore, ticketId: string, viewer: TicketViewer) {
  const events = await visibleEvents(store, ticketId, viewer);
  if (!events) return null;
  return events.flatMap((event): StatusChange[] => {
    if (event.type === 'TicketOpened')
      return [{ from: null, to: 'open', by: event.data.ownerId, cause: 'opened', at: event.recordedAt, position: event.position }];
    if (event.type === 'TicketStatusChanged')
      return [{ from: event.data.from, to: event.data.to, by: event.data.by, cause: event.data.cause, at: event.recordedAt, position: event.position }];
    return [];
  });
}

export async function ticketAsOf(store: EventStore, db: ReadModelDb, ticketId: string, asOf: Date, viewer: TicketViewer) {
  const events = await visibleEvents(store, ticketId, viewer);
  if (!events) return null;
  const past = events.filter((e) => e.recordedAt <= asOf).reduce(evolvePastTicket, null);
  if (!past) return null;
  const messages = past.messages.filter((m) => m.kind === 'message' || viewer.seesNotes);
  const profiles = await profilesByIds(db, [past.ownerId, ...messages.map((m) => m.authorId), ...(past.assigneeId ? [past.assigneeId] : [])]);
  return {
    asOf,
    id: past.id,
    title: past.title,
    status: past.status,
    priority: past.priority,
    tags: past.tags,
    owner: profiles.get(past.ownerId) ?? { id: past.ownerId },
    assignee: past.assigneeId ? (profiles.get(past.assigneeId) ?? { id: past.assigneeId }) : null,
    customerId: past.customerId,
    createdAt: past.createdAt,
    lastMessageAt: past.lastMessageAt,
    messageCount: past.messages.filter((m) => m.kind === 'message').length,
    messages: messages.map(({ authorId, ...m }) => ({ ...m, author: profiles.get(authorId) ?? { id: authorId } })),
  };
}
