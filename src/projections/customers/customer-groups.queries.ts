/** Reads of the customer groups in the `customers` view: a page of groups, newest first, and one group. */
import { sql } from 'kysely';
import type { ReadModelDb } from '../runtime/projection';
import { decodeCursor, pageOf } from '../runtime/page-cursor';

const columns = ['g.id', 'g.name', 'g.description', 'g.member_count', 'g.created_at', 'g.updated_at', 'g.revision'] as const;

function toGroup(row: { id: string; name: string; description: string | null; member_count: number; created_at: Date; updated_at: Date; revision: number }) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    size: Number(row.member_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: Number(row.revision),
  };
}

export async function listCustomerGroups(db: ReadModelDb, page: { cursor?: string; limit: number }) {
  let select = db
    .selectFrom('customer_groups as g')
    .select(columns)
    .where('g.deleted_at', 'is', null)
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    select = select.where(sql<boolean>`(g.created_at, g.id) < (${at}, ${id}::uuid)`);
  }
  return pageOf(await select.execute(), page.limit, (row) => [row.created_at, row.id], toGroup);
}

export async function customerGroupDetail(db: ReadModelDb, groupId: string) {
  const row = await db.selectFrom('customer_groups as g').select(columns).where('g.id', '=', groupId).where('g.deleted_at', 'is', null).executeTakeFirst();
  return row ? toGroup(row) : null;
}
