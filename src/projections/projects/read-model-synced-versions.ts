/** The synced-versions port (src/ports/synced-versions.port.ts) over the projects and tasks tables of the `projects` view. */
import type { RecordRef, SyncTable } from '../../domain/projects/pushed-records-refused';
import type { SyncedVersion, SyncedVersions } from '../../ports/synced-versions.port';
import type { ReadModelDb } from '../runtime/projection';

export class ReadModelSyncedVersions implements SyncedVersions {
  constructor(private readonly db: ReadModelDb) {}

  async of(records: readonly RecordRef[]): Promise<SyncedVersion[]> {
    const versions: SyncedVersion[] = [];
    for (const table of ['projects', 'tasks'] as const satisfies readonly SyncTable[]) {
      const ids = records.filter((r) => r.table === table).map((r) => r.id);
      if (ids.length === 0) continue;
      const rows = await this.db.selectFrom(table).select(['id', 'owner_id', 'last_modified', 'deleted']).where('id', 'in', ids).execute();
      for (const row of rows) versions.push({ table, id: row.id, ownerId: row.owner_id, lastModified: Number(row.last_modified), deleted: row.deleted });
    }
    return versions;
  }
}
