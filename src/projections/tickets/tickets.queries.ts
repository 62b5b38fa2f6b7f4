/**
 * Reads of the `tickets` view. The list filters, searches (PostgreSQL text search over titles and
 * messages) and pages by cursor; each row carries the caller's unread count. The detail is one SQL
 * statement, messages and their authors' profiles included, whatever the number of messages.
 */
import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { ReadModelDb } from '../runtime/projection';
import { decodeCursor, pageOf } from '../runtime/page-cursor';
import { SEARCH_CONFIG } from './tickets.projection';
import { ownerFilterOf, type TicketReader } from '../../domain/tickets/ticket-visibility';

export interface TicketViewer extends TicketReader {
  /** Staff see internal notes. */
  seesNotes: boolean;
}

export interface TicketListQuery {
  status?: string;
  assigneeId?: string;
  priority?: string;
  tag?: string;
  customerId?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

export async function listTickets(db: ReadModelDb, viewer: TicketViewer, query: TicketListQuery) {
  const tsquery = query.q ? sql`websearch_to_tsquery(${sql.lit(SEARCH_CONFIG)}, ${query.q})` : null;
  let select = db
    .selectFrom('tickets as t')
    .select([
      't.id',
      't.owner_id',
      't.title',
      't.status',
      't.priority',
      't.assignee_id',
      't.tags',
      't.customer_id',
      't.created_at',
      't.updated_at',
      't.last_message_at',
      't.message_count',
      sql<number>`(
        SELECT count(*)::int FROM ticket_messages m
        WHERE m.ticket_id = t.id AND NOT m.internal AND m.author_id <> ${viewer.id}
          AND m.seq > coalesce((SELECT r.read_seq FROM ticket_reads r WHERE r.ticket_id = t.id AND r.user_id = ${viewer.id}), -1)
      )`.as('unread_count'),
    ])
    .orderBy('t.last_message_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(query.limit + 1);
  const owner = ownerFilterOf(viewer);
  if (owner !== null) select = select.where('t.owner_id', '=', owner);
  if (query.status) select = select.where('t.status', '=', query.status);
  if (query.assigneeId) select = select.where('t.assignee_id', '=', query.assigneeId);
  if (query.priority) select = select.where('t.priority', '=', query.priority);
  if (query.tag) select = select.where(sql<boolean>`t.tags @> ARRAY[${query.tag}]::text[]`);
  if (query.customerId) select = select.where('t.customer_id', '=', query.customerId);
  if (tsquery) {
    select = select.where(
      sql<boolean>`(t.search @@ ${tsquery} OR EXISTS (
        SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND m.search @@ ${tsquery} AND (NOT m.internal OR ${viewer.seesNotes})
      ))`,
    );
  }
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    select = select.where(sql<boolean>`(t.last_message_at, t.id) < (${at}, ${id}::uuid)`);
  }
  return pageOf(
    await select.execute(),
    query.limit,
    (r) => [r.last_message_at, r.id],
    (r) => ({
      id: r.id,
      ownerId: r.owner_id,
      title: r.title,
      status: r.status,
      priority: r.priority,
      assigneeId: r.assignee_id,
      tags: r.tags,
      customerId: r.customer_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      lastMessageAt: r.last_message_at,
      messageCount: r.message_count,
      unreadCount: r.unread_count,
    }),
  );
}

/** The ticket with its messages (and notes, for staff) and everyone involved, in one statement; null when not visible. */
export async function ticketDetail(db: ReadModelDb, ticketId: string, viewer: TicketViewer) {
  const row = await db
    .selectFrom('tickets as t')
    .selectAll('t')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('ticket_messages as m')
          .select(['m.id', 'm.seq', 'm.author_id as authorId', 'm.internal', 'm.content', 'm.created_at as createdAt'])
          .whereRef('m.ticket_id', '=', 't.id')
          .where((w) => (viewer.seesNotes ? w.lit(true) : w('m.internal', '=', false)))
          .orderBy('m.seq'),
      ).as('messages'),
      jsonArrayFrom(
        eb
          .selectFrom('users as u')
          .select(['u.id', 'u.username', 'u.display_name as displayName', 'u.role'])
          .where((w) =>
            w.or([
              w('u.id', 'in', w.selectFrom('ticket_messages as m2').select('m2.author_id').whereRef('m2.ticket_id', '=', 't.id')),
              w('u.id', '=', w.ref('t.owner_id')),
              w('u.id', '=', w.ref('t.assignee_id')),
            ]),
          ),
      ).as('people'),
      jsonObjectFrom(
        eb.selectFrom('ticket_reads as r').select('r.read_seq as readSeq').whereRef('r.ticket_id', '=', 't.id').where('r.user_id', '=', viewer.id),
      ).as('myRead'),
    ])
    .where('t.id', '=', ticketId)
    .where((w) => {
      const owner = ownerFilterOf(viewer);
      return owner === null ? w.lit(true) : w('t.owner_id', '=', owner);
    })
    .executeTakeFirst();
  if (!row) return null;
  const profiles = new Map(row.people.map((p) => [p.id, p]));
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    priority: row.priority,
    tags: row.tags,
    owner: profiles.get(row.owner_id) ?? { id: row.owner_id },
    assignee: row.assignee_id ? (profiles.get(row.assignee_id) ?? { id: row.assignee_id }) : null,
    customerId: row.customer_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastMessageAt: row.last_message_at,
    messageCount: row.message_count,
    revision: Number(row.revision),
    messages: row.messages.map((m) => ({
      id: m.id,
      kind: m.internal ? 'note' : 'message',
      content: m.content,
      // Inside JSON, PostgreSQL writes timestamps its own way (`+00:00`); answer them like every other time.
      createdAt: new Date(m.createdAt),
      author: profiles.get(m.authorId) ?? { id: m.authorId },
      read: Number(m.seq) <= Number(row.myRead?.readSeq ?? -1),
    })),
  };
}
