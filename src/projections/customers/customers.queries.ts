/**
 * Reads of the `customers` view. The list filters (status, tag, owner, group), searches names,
 * companies and emails by word prefix (PostgreSQL text search, built in everywhere, PGlite too),
 * and pages newest first by cursor, each filter served by an index. The detail adds the
 * customer's groups and, for those who may read every ticket, the tickets that concern them.
 */
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { ReadModelDb } from '../runtime/projection';
import { decodeCursor, pageOf } from '../runtime/page-cursor';
import { CUSTOMER_SEARCH_CONFIG } from './customers.tables';

export interface CustomerListQuery {
  status?: string;
  tag?: string;
  ownerId?: string;
  groupId?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

/** Tickets listed in a customer's detail; the full list is GET /tickets?customerId=. */
const DETAIL_TICKETS = 50;

const columns = [
  'c.id',
  'c.name',
  'c.email',
  'c.phone',
  'c.company',
  'c.address',
  'c.status',
  'c.tags',
  'c.owner_id',
  'c.created_at',
  'c.updated_at',
  'c.revision',
] as const;

/** The words of a search, each matched as a prefix: `jane exa` finds Jane Doe <jane@example.com>. */
export function searchWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
}

function toCustomer(row: {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  address: unknown;
  status: string;
  tags: string[];
  owner_id: string | null;
  created_at: Date;
  updated_at: Date;
  revision: number;
}) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    company: row.company,
    address: row.address,
    status: row.status,
    tags: row.tags,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: Number(row.revision),
  };
}

export async function listCustomers(db: ReadModelDb, query: CustomerListQuery) {
  let select = db
    .selectFrom('customers as c')
    .select(columns)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(query.limit + 1);
  if (query.status) select = select.where('c.status', '=', query.status);
  if (query.ownerId) select = select.where('c.owner_id', '=', query.ownerId);
  if (query.tag) select = select.where(sql<boolean>`c.tags @> ARRAY[${query.tag}]::text[]`);
  if (query.groupId) {
    const groupId = query.groupId;
    select = select.where((eb) =>
      eb.exists(eb.selectFrom('customer_group_members as m').select('m.customer_id').whereRef('m.customer_id', '=', 'c.id').where('m.group_id', '=', groupId)),
    );
  }
  const words = query.q ? searchWords(query.q) : [];
  if (words.length > 0) {
    const tsquery = words.map((word) => `${word}:*`).join(' & ');
    select = select.where(sql<boolean>`c.search @@ to_tsquery(${sql.lit(CUSTOMER_SEARCH_CONFIG)}, ${tsquery})`);
  }
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    select = select.where(sql<boolean>`(c.created_at, c.id) < (${at}, ${id}::uuid)`);
  }
  return pageOf(await select.execute(), query.limit, (row) => [row.created_at, row.id], toCustomer);
}

/** One statement, groups and tickets included; null for a customer that does not exist (or was deleted). */
export async function customerDetail(db: ReadModelDb, customerId: string, viewer: { readsAllTickets: boolean }) {
  const row = await db
    .selectFrom('customers as c')
    .select(columns)
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('customer_group_members as m')
          .innerJoin('customer_groups as g', 'g.id', 'm.group_id')
          .select(['g.id', 'g.name'])
          .whereRef('m.customer_id', '=', 'c.id')
          .orderBy('g.name'),
      ).as('groups'),
      jsonArrayFrom(
        eb
          .selectFrom('tickets as t')
          .select(['t.id', 't.title', 't.status', 't.priority', 't.created_at as createdAt', 't.last_message_at as lastMessageAt'])
          .whereRef('t.customer_id', '=', 'c.id')
          .where((w) => w.lit(viewer.readsAllTickets))
          .orderBy('t.last_message_at', 'desc')
          .orderBy('t.id', 'desc')
          .limit(DETAIL_TICKETS),
      ).as('tickets'),
    ])
    .where('c.id', '=', customerId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const { groups, tickets, ...customer } = row;
  return { ...toCustomer(customer), groups, ...(viewer.readsAllTickets ? { tickets } : {}) };
}
