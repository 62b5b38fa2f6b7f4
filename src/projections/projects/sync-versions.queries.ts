/** The server's version of records a client pushes: when each last changed, whether it is deleted, whose it is. */
import type { RecordRef, SyncTable } from '../../domain/projects/pushed-records-refused';
import type { ReadModelDb } from '../runtime/projection';

export interface SyncedVersion extends RecordRef {
  ownerId: string;
  lastModified: number;
  deleted: boolean;
}

export async function syncedVersions(db: ReadModelDb, records: readonly RecordRef[]): Promise<SyncedVersion[]> {
  const versions: SyncedVersion[] = [];
  for (const table of ['projects', 'tasks'] as const satisfies readonly SyncTable[]) {
    const ids = records.filter((r) => r.table === table).map((r) => r.id);
    if (ids.length === 0) continue;
    const rows = await db.selectFrom(table).select(['id', 'owner_id', 'last_modified', 'deleted']).where('id', 'in', ids).execute();
    for (const row of rows) versions.push({ table, id: row.id, ownerId: row.owner_id, lastModified: Number(row.last_modified), deleted: row.deleted });
  }
  return versions;
}
