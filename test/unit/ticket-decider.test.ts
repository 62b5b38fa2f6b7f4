import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { Actor, ticketDecider, TicketEvent } from '../../src/domain/tickets/ticket.decider';
import { TICKET_STATUSES, TICKET_TRANSITIONS, TicketStatus } from '../../src/domain/tickets/ticket-transitions';
import { DomainError } from '../../src/domain/errors';
import { fold } from '../../src/domain/decider';

const spec = deciderSpec(ticketDecider);
const at = '2026-11-21T10:00:00.000Z';
const ticketId = 't-1';
const nothingMore = { readsAll: false, updatesAll: false, writesNotes: false };
const owner: Actor = { id: 'owner', ...nothingMore };
const staff: Actor = { id: 'agent', readsAll: true, updatesAll: true, writesNotes: true };
const stranger: Actor = { id: 'stranger', ...nothingMore };
/** Sees every ticket (an auditor), works none but their own. */
const reader: Actor = { id: 'reader', ...nothingMore, readsAll: true };

const opened: TicketEvent[] = [
  { type: 'TicketOpened', data: { ticketId, ownerId: owner.id, title: 'Printer', priority: 'normal', customerId: null, at } },
  { type: 'TicketMessagePosted', data: { ticketId, messageId: 'm1', authorId: owner.id, byStaff: false, content: 'It jams', at } },
];
const inStatus = (status: TicketStatus): TicketEvent[] =>
  status === 'open' ? opened : [...opened, { type: 'TicketStatusChanged', data: { ticketId, from: 'open', to: status, by: staff.id, cause: 'request', at } }];

describe('ticket decider', () => {
  it('opens a ticket with its first message', () =>
    spec
      .given([])
      .when({ type: 'OpenTicket', data: { ticketId, messageId: 'm1', title: 'Printer', message: 'It jams', priority: 'normal', actor: owner, at } })
      .then(opened));
  it('opens a ticket once', () =>
    spec
      .given(opened)
      .when({ type: 'OpenTicket', data: { ticketId, messageId: 'm9', title: 'x', message: 'y', priority: 'low', actor: owner, at } })
      .thenFails('TicketIsOpenedOnce'));

  describe('requested status changes follow the table, for every pair and every asker', () => {
    for (const from of TICKET_STATUSES) {
      for (const to of TICKET_STATUSES) {
        for (const [who, actor] of [
          ['owner', owner],
          ['staff', staff],
          ['reader', reader],
          ['stranger', stranger],
        ] as const) {
          const allowed = TICKET_TRANSITIONS.requested[from][to];
          const expectation =
            who === 'stranger'
              ? 'not found'
              : from === to
                ? 'nothing'
                : !allowed
                  ? 'refused'
                  : allowed === 'staff' && who !== 'staff'
                    ? 'forbidden'
                    : who === 'reader'
                      ? 'not theirs'
                      : 'changed';
          it(`${from} → ${to} asked by ${who}: ${expectation}`, () => {
            const when = spec.given(inStatus(from)).when({ type: 'ChangeTicketStatus', data: { ticketId, status: to, actor, at } });
            if (expectation === 'changed') when.then([{ type: 'TicketStatusChanged', data: { ticketId, from, to, by: actor.id, cause: 'request', at } }]);
            else if (expectation === 'nothing') when.then([]);
            else if (expectation === 'refused') when.thenFails('TicketStatusMovesAsTheTableSays');
            else if (expectation === 'forbidden') when.thenFails('OnlyStaffMoveTicketsThere');
            else if (expectation === 'not theirs') when.thenFails('OnlyOwnersAndStaffActOnTickets');
            else when.thenFails('TicketsAreVisibleToOwnersAndStaff');
          });
        }
      }
    }
  });

  describe('a message moves the status as the table says', () => {
    for (const status of TICKET_STATUSES.filter((s) => s !== 'closed')) {
      for (const [who, actor] of [
        ['owner', owner],
        ['staff', staff],
      ] as const) {
        const next = TICKET_TRANSITIONS.onMessage[who][status];
        it(`${who} writes in ${status}: ${next ? `moves to ${next}` : 'stays'}`, () => {
          const posted: TicketEvent = {
            type: 'TicketMessagePosted',
            data: { ticketId, messageId: 'm2', authorId: actor.id, byStaff: actor.updatesAll, content: 'hi', at },
          };
          spec
            .given(inStatus(status))
            .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'hi', actor, at } })
            .then(next ? [posted, { type: 'TicketStatusChanged', data: { ticketId, from: status, to: next, by: actor.id, cause: 'message', at } }] : [posted]);
        });
      }
    }
    it('a closed ticket takes no message until reopened', () =>
      spec
        .given(inStatus('closed'))
        .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'hi', actor: owner, at } })
        .thenFails('ClosedTicketTakesNoMessages'));
    it('a stranger is told the ticket does not exist', () =>
      spec
        .given(opened)
        .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'hi', actor: stranger, at } })
        .thenFails('TicketsAreVisibleToOwnersAndStaff'));
    it("one who reads every ticket but is not staff does not write in others' tickets", () =>
      spec
        .given(opened)
        .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'hi', actor: reader, at } })
        .thenFails('OnlyOwnersAndStaffActOnTickets'));
    it('staff who do not read every ticket are told it does not exist', () =>
      spec
        .given(opened)
        .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'hi', actor: { ...staff, readsAll: false }, at } })
        .thenFails('TicketsAreVisibleToOwnersAndStaff'));
    it('the same message twice is posted once', () =>
      spec
        .given(opened)
        .when({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm1', content: 'It jams', actor: owner, at } })
        .then([]));
  });

  it('staff in the real sequence: user opens, staff answers, user answers, user closes, reopens', () => {
    let events = [...opened];
    const run = (command: Parameters<typeof ticketDecider.decide>[0]) => (events = [...events, ...ticketDecider.decide(command, fold(ticketDecider, events))]);
    run({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm2', content: 'Try this', actor: staff, at } });
    expect(fold(ticketDecider, events).status).toBe('waiting_for_user');
    run({ type: 'PostTicketMessage', data: { ticketId, messageId: 'm3', content: 'Still jams', actor: owner, at } });
    expect(fold(ticketDecider, events).status).toBe('waiting_for_admin');
    run({ type: 'ChangeTicketStatus', data: { ticketId, status: 'closed', actor: owner, at } });
    expect(fold(ticketDecider, events).status).toBe('closed');
    run({ type: 'ChangeTicketStatus', data: { ticketId, status: 'open', actor: owner, at } });
    expect(fold(ticketDecider, events).status).toBe('open');
  });

  describe('reading, assigning, priorities, tags and notes', () => {
    it('marks messages read up to one of its messages, for anyone who sees the ticket', () => {
      for (const actor of [staff, reader]) {
        spec
          .given(opened)
          .when({ type: 'MarkTicketRead', data: { ticketId, upToMessageId: 'm1', actor, at } })
          .then([{ type: 'TicketMessagesRead', data: { ticketId, readerId: actor.id, upToMessageId: 'm1', at } }]);
      }
    });
    it('refuses a read mark on a message of another ticket', () =>
      spec
        .given(opened)
        .when({ type: 'MarkTicketRead', data: { ticketId, upToMessageId: 'elsewhere', actor: owner, at } })
        .thenFails('ReadMarksNameAMessageOfTheTicket'));
    it('lets staff assign, and not the owner', () => {
      spec
        .given(opened)
        .when({ type: 'AssignTicket', data: { ticketId, assigneeId: staff.id, actor: staff, at } })
        .then([{ type: 'TicketAssigned', data: { ticketId, assigneeId: staff.id, by: staff.id, at } }]);
      spec
        .given(opened)
        .when({ type: 'AssignTicket', data: { ticketId, assigneeId: owner.id, actor: owner, at } })
        .thenFails('OnlyStaffAssignTickets');
    });
    it('lets staff set a priority, recording from what', () =>
      spec
        .given(opened)
        .when({ type: 'SetTicketPriority', data: { ticketId, priority: 'urgent', actor: staff, at } })
        .then([{ type: 'TicketPriorityChanged', data: { ticketId, from: 'normal', to: 'urgent', by: staff.id, at } }]));
    it('adds new tags and removes present ones, once each', () =>
      spec
        .given([...opened, { type: 'TicketTagged', data: { ticketId, tag: 'hardware', by: staff.id, at } }])
        .when({ type: 'TagTicket', data: { ticketId, add: ['printer', 'printer', 'hardware'], remove: ['hardware', 'absent'], actor: staff, at } })
        .then([{ type: 'TicketTagged', data: { ticketId, tag: 'printer', by: staff.id, at } }]));
    it('lets staff write internal notes, and not the owner', () => {
      spec
        .given(opened)
        .when({ type: 'AddTicketNote', data: { ticketId, noteId: 'n1', content: 'VIP', actor: staff, at } })
        .then([{ type: 'TicketNoteAdded', data: { ticketId, noteId: 'n1', authorId: staff.id, content: 'VIP', at } }]);
      spec
        .given(opened)
        .when({ type: 'AddTicketNote', data: { ticketId, noteId: 'n1', content: 'x', actor: owner, at } })
        .thenFails('OnlyStaffWriteInternalNotes');
    });
    it('takes the right to write notes, not only being staff', () =>
      spec
        .given(opened)
        .when({ type: 'AddTicketNote', data: { ticketId, noteId: 'n1', content: 'x', actor: { ...staff, writesNotes: false }, at } })
        .thenFails('OnlyStaffWriteInternalNotes'));
    it('lets no one but staff assign, even one who reads every ticket', () =>
      spec
        .given(opened)
        .when({ type: 'AssignTicket', data: { ticketId, assigneeId: reader.id, actor: reader, at } })
        .thenFails('OnlyStaffAssignTickets'));
  });

  it('names every refusal with a rule', () => {
    expect(() =>
      ticketDecider.decide({ type: 'AssignTicket', data: { ticketId, assigneeId: null, actor: stranger, at } }, fold(ticketDecider, opened)),
    ).toThrow(DomainError);
  });
});
