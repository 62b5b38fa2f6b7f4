/**
 * The tickets context's events. TicketOpened is at version 2: version 1 had no `customerId` (tickets
 * could not name a customer yet), which version 2 always carries, null when there is none.
 */
import { z } from 'zod';
import type { TicketEvent } from '../domain/tickets/ticket.decider';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../domain/tickets/ticket-transitions';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant } from './schemas';

const status = z.enum(TICKET_STATUSES);
const priority = z.enum(TICKET_PRIORITIES);

export const ticketEvents: EventCatalog<TicketEvent> = {
  TicketOpened: {
    version: 2,
    schema: z.strictObject({ ticketId: id, ownerId: id, title: z.string(), priority, customerId: id.nullable(), at: instant }),
    upcasters: { 1: (data) => ({ ...data, customerId: data['customerId'] ?? null }) },
  },
  TicketMessagePosted: firstVersion(z.strictObject({ ticketId: id, messageId: id, authorId: id, byStaff: z.boolean(), content: z.string(), at: instant })),
  TicketStatusChanged: firstVersion(z.strictObject({ ticketId: id, from: status, to: status, by: id, cause: z.enum(['request', 'message']), at: instant })),
  TicketMessagesRead: firstVersion(z.strictObject({ ticketId: id, readerId: id, upToMessageId: id, at: instant })),
  TicketAssigned: firstVersion(z.strictObject({ ticketId: id, assigneeId: id.nullable(), by: id, at: instant })),
  TicketPriorityChanged: firstVersion(z.strictObject({ ticketId: id, from: priority, to: priority, by: id, at: instant })),
  TicketTagged: firstVersion(z.strictObject({ ticketId: id, tag: z.string(), by: id, at: instant })),
  TicketUntagged: firstVersion(z.strictObject({ ticketId: id, tag: z.string(), by: id, at: instant })),
  TicketNoteAdded: firstVersion(z.strictObject({ ticketId: id, noteId: id, authorId: id, content: z.string(), at: instant })),
  TicketCustomerLinked: firstVersion(z.strictObject({ ticketId: id, customerId: id.nullable(), by: id, at: instant })),
};
