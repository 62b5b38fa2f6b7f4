/**
 * Answers from the event log itself, never from a mutable table: a ticket's status history, and
 * the ticket as it was at a past moment (its stream folded up to then).
 */
import type { EventStore, RecordedEvent } from '../../ports/event-store.port';
import { ticketStream, type TicketEvent } from '../../domain/tickets/ticket.decider';
import type { ReadModelDb } from '../runtime/projection';
import { profilesByIds } from '../identity/users.queries';
import type { TicketViewer } from './tickets.queries';

/** The ticket's events, or null when it does not exist for this viewer (the same answer either way). */
async function visibleEvents(store: EventStore, ticketId: string, viewer: TicketViewer): Promise<RecordedEvent[] | null> {
  const events = await store.readStream(ticketStream(ticketId));
  const opened = events[0];
  if (!opened || opened.type !== 'TicketOpened') return null;
  if (!viewer.readsAll && (opened.data as { ownerId: string }).ownerId !== viewer.id) return null;
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
    const typed = event as unknown as TicketEvent;
    if (typed.type === 'TicketOpened')
      return [{ from: null, to: 'open', by: typed.data.ownerId, cause: 'opened', at: event.recordedAt, position: event.position }];
    if (typed.type === 'TicketStatusChanged')
      return [{ from: typed.data.from, to: typed.data.to, by: typed.data.by, cause: typed.data.cause, at: event.recordedAt, position: event.position }];
    return [];
  });
}

interface PastTicket {
  id: string;
  ownerId: string;
  title: string;
  status: string;
  priority: string;
  assigneeId: string | null;
  tags: string[];
  customerId: string | null;
  createdAt: Date;
  lastMessageAt: Date;
  messages: { id: string; kind: 'message' | 'note'; authorId: string; content: string; createdAt: Date }[];
}

/** What tickets.projection.ts makes of the same events, folded in memory: the same fields, the same times (each event's own `at`). */
function evolvePast(ticket: PastTicket | null, event: RecordedEvent): PastTicket | null {
  const typed = event as unknown as TicketEvent;
  if (typed.type === 'TicketOpened') {
    const d = typed.data;
    const at = new Date(d.at);
    return {
      id: d.ticketId,
      ownerId: d.ownerId,
      title: d.title,
      status: 'open',
      priority: d.priority,
      assigneeId: null,
      tags: [],
      customerId: d.customerId ?? null,
      createdAt: at,
      lastMessageAt: at,
      messages: [],
    };
  }
  if (!ticket) return null;
  switch (typed.type) {
    case 'TicketMessagePosted': {
      const at = new Date(typed.data.at);
      return {
        ...ticket,
        lastMessageAt: at,
        messages: [
          ...ticket.messages,
          { id: typed.data.messageId, kind: 'message', authorId: typed.data.authorId, content: typed.data.content, createdAt: at },
        ],
      };
    }
    case 'TicketNoteAdded':
      return {
        ...ticket,
        messages: [
          ...ticket.messages,
          { id: typed.data.noteId, kind: 'note', authorId: typed.data.authorId, content: typed.data.content, createdAt: new Date(typed.data.at) },
        ],
      };
    case 'TicketStatusChanged':
      return { ...ticket, status: typed.data.to };
    case 'TicketAssigned':
      return { ...ticket, assigneeId: typed.data.assigneeId };
    case 'TicketPriorityChanged':
      return { ...ticket, priority: typed.data.to };
    case 'TicketTagged':
      return { ...ticket, tags: [...ticket.tags, typed.data.tag] };
    case 'TicketUntagged':
      return { ...ticket, tags: ticket.tags.filter((t) => t !== typed.data.tag) };
    case 'TicketCustomerLinked':
      return { ...ticket, customerId: typed.data.customerId };
    default:
      return ticket;
  }
}

export async function ticketAsOf(store: EventStore, db: ReadModelDb, ticketId: string, asOf: Date, viewer: TicketViewer) {
  const events = await visibleEvents(store, ticketId, viewer);
  if (!events) return null;
  const past = events.filter((e) => e.recordedAt <= asOf).reduce(evolvePast, null);
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
