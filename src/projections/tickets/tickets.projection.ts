/**
 * The `tickets` view: one row per ticket (with its message count and last message time), its
 * messages and internal notes (one table, `internal` tells them apart; `seq` is the event's
 * revision, so order follows the stream), and each reader's read mark. Titles and messages carry
 * a tsvector for full-text search.
 */
import { Kysely, sql } from 'kysely';
import { defineProjection, type ProjectionContext } from '../runtime/projection';
import type { TicketEvent } from '../../domain/tickets/ticket.decider';
import type { RecordedEvent } from '../../ports/event-store.port';

export interface TicketsTable {
  id: string;
  owner_id: string;
  title: string;
  status: string;
  priority: string;
  assignee_id: string | null;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  last_message_at: Date;
  message_count: number;
  revision: number;
  /** The customer the ticket concerns, if it names one. */
  customer_id: string | null;
}

export interface TicketMessagesTable {
  id: string;
  ticket_id: string;
  seq: number;
  author_id: string;
  internal: boolean;
  content: string;
  created_at: Date;
}

export interface TicketReadsTable {
  ticket_id: string;
  user_id: string;
  read_seq: number;
}

declare module '../runtime/database' {
  interface DB {
    tickets: TicketsTable;
    ticket_messages: TicketMessagesTable;
    ticket_reads: TicketReadsTable;
  }
}

/** The text search configuration of titles, messages and queries alike. */
export const SEARCH_CONFIG = 'english';

async function touch(
  event: RecordedEvent,
  { trx, notify }: ProjectionContext,
  ticketId: string,
  set: Partial<Pick<TicketsTable, 'status' | 'priority' | 'assignee_id' | 'customer_id'>> = {},
) {
  await trx
    .updateTable('tickets')
    .set({ ...set, updated_at: event.recordedAt, revision: event.revision })
    .where('id', '=', ticketId)
    .execute();
  notify({ key: ticketId, type: event.type, data: event.data });
}

export const ticketsProjection = defineProjection<TicketEvent>({
  name: 'tickets',
  tables: ['tickets', 'ticket_messages', 'ticket_reads'],
  migrations: {
    '0300_tickets': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE tickets (
            id              uuid PRIMARY KEY,
            owner_id        uuid NOT NULL,
            title           text NOT NULL,
            status          text NOT NULL,
            priority        text NOT NULL,
            assignee_id     uuid,
            tags            text[] NOT NULL DEFAULT '{}',
            created_at      timestamptz NOT NULL,
            updated_at      timestamptz NOT NULL,
            last_message_at timestamptz NOT NULL,
            message_count   int NOT NULL DEFAULT 0,
            revision        bigint NOT NULL,
            search          tsvector GENERATED ALWAYS AS (to_tsvector(${sql.lit(SEARCH_CONFIG)}, title)) STORED
          )`.execute(db);
        await sql`CREATE INDEX tickets_recent ON tickets (last_message_at DESC, id DESC)`.execute(db);
        await sql`CREATE INDEX tickets_owner_recent ON tickets (owner_id, last_message_at DESC, id DESC)`.execute(db);
        await sql`CREATE INDEX tickets_search ON tickets USING gin (search)`.execute(db);
        await sql`CREATE INDEX tickets_tags ON tickets USING gin (tags)`.execute(db);
        await sql`
          CREATE TABLE ticket_messages (
            id          uuid PRIMARY KEY,
            ticket_id   uuid NOT NULL,
            seq         bigint NOT NULL,
            author_id   uuid NOT NULL,
            internal    boolean NOT NULL,
            content     text NOT NULL,
            created_at  timestamptz NOT NULL,
            search      tsvector GENERATED ALWAYS AS (to_tsvector(${sql.lit(SEARCH_CONFIG)}, content)) STORED,
            UNIQUE (ticket_id, seq)
          )`.execute(db);
        await sql`CREATE INDEX ticket_messages_search ON ticket_messages USING gin (search)`.execute(db);
        await sql`
          CREATE TABLE ticket_reads (
            ticket_id uuid NOT NULL,
            user_id   uuid NOT NULL,
            read_seq  bigint NOT NULL,
            PRIMARY KEY (ticket_id, user_id)
          )`.execute(db);
      },
    },
    '0810_ticket_customers': {
      async up(db: Kysely<unknown>) {
        await sql`ALTER TABLE tickets ADD COLUMN customer_id uuid`.execute(db);
        await sql`CREATE INDEX tickets_customer_recent ON tickets (customer_id, last_message_at DESC, id DESC) WHERE customer_id IS NOT NULL`.execute(db);
      },
    },
  },
  handlers: {
    async TicketOpened(event, context) {
      const { data } = event;
      const at = new Date(data.at);
      await context.trx
        .insertInto('tickets')
        .values({
          id: data.ticketId,
          owner_id: data.ownerId,
          title: data.title,
          status: 'open',
          priority: data.priority,
          assignee_id: null,
          tags: [],
          created_at: at,
          updated_at: at,
          last_message_at: at,
          message_count: 0,
          revision: event.revision,
          customer_id: data.customerId ?? null,
        })
        .execute();
      context.notify({ key: data.ticketId, type: event.type, data: event.data });
    },
    async TicketMessagePosted(event, { trx, notify }) {
      const { data } = event;
      const at = new Date(data.at);
      await trx
        .insertInto('ticket_messages')
        .values({
          id: data.messageId,
          ticket_id: data.ticketId,
          seq: event.revision,
          author_id: data.authorId,
          internal: false,
          content: data.content,
          created_at: at,
        })
        .execute();
      await trx
        .updateTable('tickets')
        .set((eb) => ({ message_count: eb('message_count', '+', 1), last_message_at: at, updated_at: at, revision: event.revision }))
        .where('id', '=', data.ticketId)
        .execute();
      // Writing in a ticket is reading it up to there.
      await trx
        .insertInto('ticket_reads')
        .values({ ticket_id: data.ticketId, user_id: data.authorId, read_seq: event.revision })
        .onConflict((oc) => oc.columns(['ticket_id', 'user_id']).doUpdateSet({ read_seq: event.revision }))
        .execute();
      notify({ key: data.ticketId, type: event.type, data: event.data });
    },
    async TicketNoteAdded(event, { trx, notify }) {
      const { data } = event;
      await trx
        .insertInto('ticket_messages')
        .values({
          id: data.noteId,
          ticket_id: data.ticketId,
          seq: event.revision,
          author_id: data.authorId,
          internal: true,
          content: data.content,
          created_at: new Date(data.at),
        })
        .execute();
      await trx
        .updateTable('tickets')
        .set({ updated_at: new Date(data.at), revision: event.revision })
        .where('id', '=', data.ticketId)
        .execute();
      notify({ key: `${data.ticketId}-internal`, type: event.type, data: event.data }); // for staff only
    },
    async TicketStatusChanged(event, context) {
      const { data } = event;
      await touch(event, context, data.ticketId, { status: data.to });
    },
    async TicketAssigned(event, context) {
      const { data } = event;
      await touch(event, context, data.ticketId, { assignee_id: data.assigneeId });
    },
    async TicketPriorityChanged(event, context) {
      const { data } = event;
      await touch(event, context, data.ticketId, { priority: data.to });
    },
    async TicketTagged(event, context) {
      const { data } = event;
      await context.trx
        .updateTable('tickets')
        .set({ tags: sql`array_append(tags, ${data.tag})` })
        .where('id', '=', data.ticketId)
        .execute();
      await touch(event, context, data.ticketId);
    },
    async TicketUntagged(event, context) {
      const { data } = event;
      await context.trx
        .updateTable('tickets')
        .set({ tags: sql`array_remove(tags, ${data.tag})` })
        .where('id', '=', data.ticketId)
        .execute();
      await touch(event, context, data.ticketId);
    },
    async TicketCustomerLinked(event, context) {
      const { data } = event;
      await touch(event, context, data.ticketId, { customer_id: data.customerId });
    },
    async TicketMessagesRead(event, { trx, notify }) {
      const { data } = event;
      const seq = sql<number>`(SELECT seq FROM ticket_messages WHERE id = ${data.upToMessageId})`;
      await trx
        .insertInto('ticket_reads')
        .values({ ticket_id: data.ticketId, user_id: data.readerId, read_seq: seq })
        .onConflict((oc) => oc.columns(['ticket_id', 'user_id']).doUpdateSet({ read_seq: seq }))
        .execute();
      notify({ key: `${data.ticketId}`, type: event.type, data: { readerId: data.readerId, upToMessageId: data.upToMessageId } });
    },
  },
});
