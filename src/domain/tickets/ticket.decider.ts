/**
 * A support ticket (`ticket-<id>` streams): opened by a user with a first message, answered by
 * staff, moved through its statuses as TICKET_TRANSITIONS says. Someone who neither owns the ticket
 * nor reads every ticket is told it does not exist, so that ticket ids cannot be probed.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { forbidden, illegalState, invalid, notFound } from '../errors';
import { seesTicket } from './ticket-visibility';
import { TICKET_TRANSITIONS, TicketPriority, TicketStatus } from './ticket-transitions';

export const ticketStream = (ticketId: string) => `ticket-${ticketId}`;

/** Who acts, and what their role lets them do beyond their own tickets. */
export interface Actor {
  id: string;
  /** Sees every ticket, not only their own. */
  readsAll: boolean;
  /** Is staff: works any ticket it sees (answers, moves, assigns, tags, links customers). */
  updatesAll: boolean;
  /** Writes internal notes. */
  writesNotes: boolean;
}

export type TicketCommand =
  | {
      type: 'OpenTicket';
      data: { ticketId: string; messageId: string; title: string; message: string; priority: TicketPriority; customerId?: string; actor: Actor; at: string };
    }
  | { type: 'PostTicketMessage'; data: { ticketId: string; messageId: string; content: string; actor: Actor; at: string } }
  | { type: 'ChangeTicketStatus'; data: { ticketId: string; status: TicketStatus; actor: Actor; at: string } }
  | { type: 'MarkTicketRead'; data: { ticketId: string; upToMessageId: string; actor: Actor; at: string } }
  | { type: 'AssignTicket'; data: { ticketId: string; assigneeId: string | null; actor: Actor; at: string } }
  | { type: 'SetTicketPriority'; data: { ticketId: string; priority: TicketPriority; actor: Actor; at: string } }
  | { type: 'TagTicket'; data: { ticketId: string; add: string[]; remove: string[]; actor: Actor; at: string } }
  | { type: 'AddTicketNote'; data: { ticketId: string; noteId: string; content: string; actor: Actor; at: string } }
  | { type: 'LinkTicketToCustomer'; data: { ticketId: string; customerId: string | null; actor: Actor; at: string } };

export type TicketEvent =
  /** `customerId`: the customer the ticket concerns, or null (events of version 1 lack it; the catalog upcasts them). */
  | { type: 'TicketOpened'; data: { ticketId: string; ownerId: string; title: string; priority: TicketPriority; customerId: string | null; at: string } }
  | { type: 'TicketMessagePosted'; data: { ticketId: string; messageId: string; authorId: string; byStaff: boolean; content: string; at: string } }
  | { type: 'TicketStatusChanged'; data: { ticketId: string; from: TicketStatus; to: TicketStatus; by: string; cause: 'request' | 'message'; at: string } }
  | { type: 'TicketMessagesRead'; data: { ticketId: string; readerId: string; upToMessageId: string; at: string } }
  | { type: 'TicketAssigned'; data: { ticketId: string; assigneeId: string | null; by: string; at: string } }
  | { type: 'TicketPriorityChanged'; data: { ticketId: string; from: TicketPriority; to: TicketPriority; by: string; at: string } }
  | { type: 'TicketTagged'; data: { ticketId: string; tag: string; by: string; at: string } }
  | { type: 'TicketUntagged'; data: { ticketId: string; tag: string; by: string; at: string } }
  | { type: 'TicketNoteAdded'; data: { ticketId: string; noteId: string; authorId: string; content: string; at: string } }
  | { type: 'TicketCustomerLinked'; data: { ticketId: string; customerId: string | null; by: string; at: string } };

export type TicketState =
  | { status: 'none' }
  | {
      status: TicketStatus;
      ownerId: string;
      priority: TicketPriority;
      assigneeId: string | null;
      tags: ReadonlySet<string>;
      messageIds: ReadonlySet<string>;
      readUpTo: ReadonlyMap<string, string>;
      customerId: string | null;
    };

type Existing = Exclude<TicketState, { status: 'none' }>;

export const ticketDecider: Decider<TicketCommand, TicketEvent, TicketState> = {
  eventTypes: eventTypes<TicketEvent>({
    TicketOpened: true,
    TicketMessagePosted: true,
    TicketStatusChanged: true,
    TicketMessagesRead: true,
    TicketAssigned: true,
    TicketPriorityChanged: true,
    TicketTagged: true,
    TicketUntagged: true,
    TicketNoteAdded: true,
    TicketCustomerLinked: true,
  }),
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'TicketOpened') {
      return {
        status: 'open',
        ownerId: event.data.ownerId,
        priority: event.data.priority,
        assigneeId: null,
        tags: new Set(),
        messageIds: new Set(),
        readUpTo: new Map(),
        customerId: event.data.customerId,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'TicketMessagePosted':
        return { ...state, messageIds: new Set([...state.messageIds, event.data.messageId]) };
      case 'TicketStatusChanged':
        return { ...state, status: event.data.to };
      case 'TicketMessagesRead':
        return { ...state, readUpTo: new Map([...state.readUpTo, [event.data.readerId, event.data.upToMessageId]]) };
      case 'TicketAssigned':
        return { ...state, assigneeId: event.data.assigneeId };
      case 'TicketPriorityChanged':
        return { ...state, priority: event.data.to };
      case 'TicketTagged':
        return { ...state, tags: new Set([...state.tags, event.data.tag]) };
      case 'TicketUntagged':
        return { ...state, tags: new Set([...state.tags].filter((t) => t !== event.data.tag)) };
      case 'TicketNoteAdded':
        return state;
      case 'TicketCustomerLinked':
        return { ...state, customerId: event.data.customerId };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { actor, at, ticketId } = command.data;
    if (command.type === 'OpenTicket') {
      if (state.status !== 'none') throw illegalState('TicketIsOpenedOnce', 'the ticket exists already');
      const { messageId, title, message, priority, customerId } = command.data;
      return [
        { type: 'TicketOpened', data: { ticketId, ownerId: actor.id, title, priority, customerId: customerId ?? null, at } },
        { type: 'TicketMessagePosted', data: { ticketId, messageId, authorId: actor.id, byStaff: actor.updatesAll, content: message, at } },
      ];
    }
    const ticket = visibleTo(state, actor);
    switch (command.type) {
      case 'PostTicketMessage': {
        if (ticket.status === 'closed') throw illegalState('ClosedTicketTakesNoMessages', 'reopen the ticket to write in it');
        ownerOrStaff(ticket, actor);
        if (ticket.messageIds.has(command.data.messageId)) return [];
        const posted: TicketEvent = {
          type: 'TicketMessagePosted',
          data: { ticketId, messageId: command.data.messageId, authorId: actor.id, byStaff: actor.updatesAll, content: command.data.content, at },
        };
        const writer = actor.updatesAll ? 'staff' : 'owner';
        const next = TICKET_TRANSITIONS.onMessage[writer][ticket.status];
        return next
          ? [posted, { type: 'TicketStatusChanged', data: { ticketId, from: ticket.status, to: next, by: actor.id, cause: 'message', at } }]
          : [posted];
      }
      case 'ChangeTicketStatus': {
        const to = command.data.status;
        if (to === ticket.status) return [];
        const asker = TICKET_TRANSITIONS.requested[ticket.status][to];
        if (!asker) throw illegalState('TicketStatusMovesAsTheTableSays', `a ticket does not go from ${ticket.status} to ${to}`);
        if (asker === 'staff' && !actor.updatesAll) throw forbidden('OnlyStaffMoveTicketsThere', `only staff move a ticket to ${to}`);
        ownerOrStaff(ticket, actor);
        return [{ type: 'TicketStatusChanged', data: { ticketId, from: ticket.status, to, by: actor.id, cause: 'request', at } }];
      }
      case 'MarkTicketRead': {
        if (!ticket.messageIds.has(command.data.upToMessageId)) throw invalid('ReadMarksNameAMessageOfTheTicket', 'no such message in this ticket');
        if (ticket.readUpTo.get(actor.id) === command.data.upToMessageId) return [];
        return [{ type: 'TicketMessagesRead', data: { ticketId, readerId: actor.id, upToMessageId: command.data.upToMessageId, at } }];
      }
      case 'AssignTicket':
        staffOnly(actor, 'OnlyStaffAssignTickets');
        if (ticket.assigneeId === command.data.assigneeId) return [];
        return [{ type: 'TicketAssigned', data: { ticketId, assigneeId: command.data.assigneeId, by: actor.id, at } }];
      case 'SetTicketPriority':
        staffOnly(actor, 'OnlyStaffSetPriorities');
        if (ticket.priority === command.data.priority) return [];
        return [{ type: 'TicketPriorityChanged', data: { ticketId, from: ticket.priority, to: command.data.priority, by: actor.id, at } }];
      case 'TagTicket': {
        staffOnly(actor, 'OnlyStaffTagTickets');
        const added = [...new Set(command.data.add)].filter((tag) => !ticket.tags.has(tag));
        const removed = [...new Set(command.data.remove)].filter((tag) => ticket.tags.has(tag) && !command.data.add.includes(tag));
        return [
          ...added.map((tag): TicketEvent => ({ type: 'TicketTagged', data: { ticketId, tag, by: actor.id, at } })),
          ...removed.map((tag): TicketEvent => ({ type: 'TicketUntagged', data: { ticketId, tag, by: actor.id, at } })),
        ];
      }
      case 'AddTicketNote':
        if (!actor.writesNotes) throw forbidden('OnlyStaffWriteInternalNotes', 'only staff write internal notes');
        return [{ type: 'TicketNoteAdded', data: { ticketId, noteId: command.data.noteId, authorId: actor.id, content: command.data.content, at } }];
      case 'LinkTicketToCustomer':
        staffOnly(actor, 'OnlyStaffLinkTicketsToCustomers');
        if (ticket.customerId === command.data.customerId) return [];
        return [{ type: 'TicketCustomerLinked', data: { ticketId, customerId: command.data.customerId, by: actor.id, at } }];
      default:
        return assertNever(command);
    }
  },
};

/** Owners and those who read every ticket see a ticket; to anyone else it does not exist. */
function visibleTo(state: TicketState, actor: Actor): Existing {
  if (state.status === 'none' || !seesTicket(actor, state)) throw notFound('TicketsAreVisibleToOwnersAndStaff', 'no such ticket');
  return state;
}

/** Seeing a ticket is not writing in it: that takes its owner or staff. */
function ownerOrStaff(ticket: Existing, actor: Actor): void {
  if (!actor.updatesAll && ticket.ownerId !== actor.id) throw forbidden('OnlyOwnersAndStaffActOnTickets', 'only its owner and staff act on a ticket');
}

function staffOnly(actor: Actor, rule: string): void {
  if (!actor.updatesAll) throw forbidden(rule, 'only staff may do this');
}
