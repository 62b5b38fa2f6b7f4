/**
 * Loses projections' read models on purpose (the restore drill) or to re-create a changed schema:
 * drops their tables and forgets their migrations, so that `migrate` creates the tables again,
 * empty; forgets their parked events; and leaves them `rebuilding` at position 0, so that live
 * projectors hold off until `projections rebuild` refills them from the log.
 * A projection's migrations must create only its own tables for this to hold.
 */
import { sql } from 'kysely';
import { lockProjection, type Projector } from '../projections/runtime/projector';
import type { ReadModelDb } from '../projections/runtime/projection';

export async function dropReadModels(db: ReadModelDb, projectors: readonly Projector[]): Promise<void> {
  for (const projector of projectors) {
    const { projection } = projector;
    await projector.checkpoint(); // its row, to mark it
    await db.transaction().execute(async (trx) => {
      await lockProjection(trx, projection.name);
      for (const table of projection.tables) await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(trx);
      const migrations = Object.keys(projection.migrations);
      if (migrations.length > 0) await sql`DELETE FROM kysely_migration WHERE name IN (${sql.join(migrations)})`.execute(trx);
      await trx.deleteFrom('projection_parked_events').where('projection', '=', projection.name).execute();
      await trx
        .updateTable('projection_checkpoints')
        .set({
          position: 0,
          status: 'rebuilding',
          last_error: 'read model dropped: run migrate, then projections rebuild',
          last_error_at: sql<Date>`now()`,
          failing_since: null,
          updated_at: sql<Date>`now()`,
        })
        .where('name', '=', projection.name)
        .execute();
    });
  }
}
