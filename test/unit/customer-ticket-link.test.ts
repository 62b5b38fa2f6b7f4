/** Tickets that name the customer they concern: the ticket decider's side of the link. */
import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { Actor, ticketDecider, TicketEvent } from '../../src/domain/tickets/ticket.decider';

const spec = deciderSpec(ticketDecider);
const at = '2026-11-21T10:00:00.000Z';
const ticketId = 't-1';
const owner: Actor = { id: 'owner', readsAll: false, updatesAll: false, writesNotes: false };
const staff: Actor = { id: 'agent', readsAll: true, updatesAll: true, writesNotes: true };
const opened = (customerId?: string): TicketEvent[] => [
  { type: 'TicketOpened', data: { ticketId, ownerId: staff.id, title: 'Invoice', priority: 'normal', customerId: customerId ?? null, at } },
  { type: 'TicketMessagePosted', data: { ticketId, messageId: 'm1', authorId: staff.id, byStaff: true, content: 'Called', at } },
];

describe('ticket ↔ customer link', () => {
  it('opens a ticket naming its customer', () =>
    spec
      .given([])
      .when({
        type: 'OpenTicket',
        data: { ticketId, messageId: 'm1', title: 'Invoice', message: 'Called', priority: 'normal', customerId: 'c-1', actor: staff, at },
      })
      .then(opened('c-1')));
  it('links, relinks and unlinks, and records nothing when the link stays', () => {
    spec
      .given(opened())
      .when({ type: 'LinkTicketToCustomer', data: { ticketId, customerId: 'c-1', actor: staff, at } })
      .then([{ type: 'TicketCustomerLinked', data: { ticketId, customerId: 'c-1', by: staff.id, at } }]);
    spec
      .given(opened('c-1'))
      .when({ type: 'LinkTicketToCustomer', data: { ticketId, customerId: 'c-1', actor: staff, at } })
      .then([]);
    spec
      .given(opened('c-1'))
      .when({ type: 'LinkTicketToCustomer', data: { ticketId, customerId: null, actor: staff, at } })
      .then([{ type: 'TicketCustomerLinked', data: { ticketId, customerId: null, by: staff.id, at } }]);
  });
  it('lets only staff link a ticket', () => {
    const ownTicket: TicketEvent[] = [{ type: 'TicketOpened', data: { ticketId, ownerId: owner.id, title: 'Mine', priority: 'normal', customerId: null, at } }];
    spec
      .given(ownTicket)
      .when({ type: 'LinkTicketToCustomer', data: { ticketId, customerId: 'c-1', actor: owner, at } })
      .thenFails('OnlyStaffLinkTicketsToCustomers');
  });
});
