/**
 * Every way a ticket's status moves, in one table: the changes someone asks for (and who may ask),
 * and the moves a new message makes by itself.
 */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_for_user', 'waiting_for_admin', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type Asker = 'staff' | 'owner-or-staff';

export const TICKET_TRANSITIONS: {
  /** Status changes on request: from → to → who may ask. Anything not listed is refused. */
  requested: Record<TicketStatus, Partial<Record<TicketStatus, Asker>>>;
  /** Moves made by a new message, by who wrote it. A closed ticket takes no message. */
  onMessage: Record<'owner' | 'staff', Partial<Record<TicketStatus, TicketStatus>>>;
} = {
  requested: {
    open: { in_progress: 'staff', waiting_for_user: 'staff', waiting_for_admin: 'staff', closed: 'owner-or-staff' },
    in_progress: { open: 'staff', waiting_for_user: 'staff', waiting_for_admin: 'staff', closed: 'owner-or-staff' },
    waiting_for_user: { in_progress: 'staff', waiting_for_admin: 'staff', closed: 'owner-or-staff' },
    waiting_for_admin: { in_progress: 'staff', waiting_for_user: 'staff', closed: 'owner-or-staff' },
    closed: { open: 'owner-or-staff' }, // reopening
  },
  onMessage: {
    owner: { waiting_for_user: 'waiting_for_admin' },
    staff: { open: 'waiting_for_user', waiting_for_admin: 'waiting_for_user' },
  },
};

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
