/**
 * A ticket as it was after some of its events: the same fields as the `tickets` view, the same times
 * (each event's own `at`). An exhaustive fold, so that a new ticket event does not compile until
 * "as of" knows what it does; the replay test holds it equal to the live view.
 */
import { assertNever } from '../../domain/decider';
import type { TicketEvent } from '../../domain/tickets/ticket.decider';
import type { RecordedEvent } from '../../ports/event-store.port';

export interface PastTicket {
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
export function evolvePastTicket(ticket: PastTicket | null, event: RecordedEvent<TicketEvent>): PastTicket | null {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    const at = new Date(d.at);
    return {
      id: d.ticketId,
      ownerId: d.ownerId,
      title: d.title,
      status: 'open',
      priority: d.priority,
      assigneeId: null,
      tags: [],
      customerId: d.customerId,
      createdAt: at,
      lastMessageAt: at,
      messages: [],
    };
  }
  if (!ticket) return null;
  switch (event.type) {
    case 'TicketMessagePosted': {
      const at = new Date(event.data.at);
      return {
        ...ticket,
        lastMessageAt: at,
        messages: [
          ...ticket.messages,
          { id: event.data.messageId, kind: 'message', authorId: event.data.authorId, content: event.data.content, createdAt: at },
        ],
      };
    }
    case 'TicketNoteAdded':
      return {
        ...ticket,
        messages: [
          ...ticket.messages,
          { id: event.data.noteId, kind: 'note', authorId: event.data.authorId, content: event.data.content, createdAt: new Date(event.data.at) },
        ],
      };
    case 'TicketStatusChanged':
      return { ...ticket, status: event.data.to };
    case 'TicketAssigned':
      return { ...ticket, assigneeId: event.data.assigneeId };
    case 'TicketPriorityChanged':
      return { ...ticket, priority: event.data.to };
    case 'TicketTagged':
      return { ...ticket, tags: [...ticket.tags, event.data.tag] };
    case 'TicketUntagged':
      return { ...ticket, tags: ticket.tags.filter((t) => t !== event.data.tag) };
    case 'TicketCustomerLinked':
      return { ...ticket, customerId: event.data.customerId };
    case 'TicketMessagesRead':
      return ticket; // read marks are each reader's, not the ticket's
    default:
      return assertNever(event);
  }
}
