/**
 * The WatermelonDB sync pull, from the `projects` view only. Everything is read in one REPEATABLE
 * READ snapshot, the clock first: the timestamp answered is the last one any row in the snapshot
 * carries, and a change the snapshot does not hold is written later with a greater one, so a pull
 * from that timestamp misses nothing and sends nothing twice. Records have the client schema's
 * columns, raw, with no `_status` or `_changed`; deletions are ids.
 */
import { sql, Transaction } from 'kysely';
import type { SyncTable } from '../../domain/projects/pushed-records-refused';
import type { DB } from '../runtime/database';
import type { ReadModelDb } from '../runtime/projection';
import { schemaChangesBetween, SchemaChanges, SYNC_COLUMNS, tablesAt } from './sync-schema';

export interface PullRequest {
  ownerId: string;
  /** The session (device) pulling: what it created itself it has, and is sent as updated. */
  sessionId: string;
  /** The `timestamp` of the client's last pull; null (or 0) on its first sync. */
  lastPulledAt: number | null;
  schemaVersion: number;
  /** WatermelonDB's `migration.from`: the schema version the client last synced at, when it has migrated since. */
  migratedFrom: number | null;
}

export type RawRecord = Record<string, string | boolean>;

export interface TableChanges {
  created: RawRecord[];
  updated: RawRecord[];
  deleted: string[];
}

export interface PulledChanges {
  changes: Partial<Record<SyncTable, TableChanges>>;
  timestamp: number;
}

interface ChangedRow extends RawRecord {
  created_in_session: string;
  server_created_at: string;
  last_modified: string;
  deleted: boolean;
}

export function pullSyncChanges(db: ReadModelDb, request: PullRequest): Promise<PulledChanges> {
  const since = request.lastPulledAt ?? 0;
  const migration = request.migratedFrom === null ? { tables: [], columns: {} } : schemaChangesBetween(request.migratedFrom, request.schemaVersion);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const clock = await trx.selectFrom('projects_sync_clock').select('last_modified').executeTakeFirst();
      const changes: PulledChanges['changes'] = {};
      for (const table of tablesAt(request.schemaVersion)) {
        changes[table] =
          since === 0 || migration.tables.includes(table)
            ? await everything(trx, table, request.ownerId)
            : await changesSince(trx, table, request, since, migration);
      }
      // WatermelonDB wants a timestamp above 0 even when nothing was ever written.
      return { changes, timestamp: Math.max(Number(clock?.last_modified ?? 0), 1) };
    });
}

const columnsOf = (table: SyncTable) => ['id', ...Object.keys(SYNC_COLUMNS[table])].map((column) => sql.ref(column));

/** A first sync, or a table the client has just created: every record it may see, as created. */
async function everything(trx: Transaction<DB>, table: SyncTable, ownerId: string): Promise<TableChanges> {
  const { rows } = await sql<RawRecord>`
    SELECT ${sql.join(columnsOf(table))} FROM ${sql.table(table)} WHERE owner_id = ${ownerId} AND NOT deleted`.execute(trx);
  return { created: rows, updated: [], deleted: [] };
}

/**
 * What changed after `since`, and, for columns the client's migration added, every live record
 * holding a value other than the column's default (the others the client has right already).
 * A record created after `since` is `created`, unless the pulling session created it: that device
 * has it (its push came after the pull that gave it `since`), and told to create it again while it
 * holds it deleted, WatermelonDB would bring it back instead of pushing the deletion.
 */
async function changesSince(
  trx: Transaction<DB>,
  table: SyncTable,
  { ownerId, sessionId }: PullRequest,
  since: number,
  migration: SchemaChanges,
): Promise<TableChanges> {
  const defaults: Record<string, string | boolean> = SYNC_COLUMNS[table];
  const withValues = (migration.columns[table] ?? []).map((column) => sql`${sql.ref(column)} <> ${defaults[column]}`);
  const migrated = withValues.length > 0 ? sql`OR (NOT deleted AND (${sql.join(withValues, sql` OR `)}))` : sql``;
  const { rows } = await sql<ChangedRow>`
    SELECT ${sql.join(columnsOf(table))}, created_in_session, server_created_at, last_modified, deleted
    FROM ${sql.table(table)}
    WHERE owner_id = ${ownerId} AND (last_modified > ${since} ${migrated})`.execute(trx);
  const changes: TableChanges = { created: [], updated: [], deleted: [] };
  for (const { created_in_session, server_created_at, last_modified: _, deleted, ...record } of rows) {
    if (deleted) changes.deleted.push(record.id as string);
    else if (Number(server_created_at) > since && created_in_session !== sessionId) changes.created.push(record);
    else changes.updated.push(record);
  }
  return changes;
}
