/**
 * Rebuilds a projection from the event log while the app runs: empty its tables and reset its
 * checkpoint (status `rebuilding`, so live feeds hold off), replay `$all`, then hand back to the
 * live feed, which skips what the rebuild applied and continues after it.
 */
import { sql } from 'kysely';
import type { EventStore } from '../ports/event-store.port';
import { lockProjection, type Projector } from './projector';
import type { ReadModelDb } from './projection';

export interface RebuildProgress {
  projection: string;
  position: number;
  head: number;
  events: number;
}

export async function rebuildProjection(
  db: ReadModelDb,
  store: EventStore,
  projector: Projector,
  { batchSize = 1000, onProgress }: { batchSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildProgress> {
  const { projection } = projector;
  await projector.checkpoint();
  await db.transaction().execute(async (trx) => {
    // Waits for a live batch in flight, then owns the projection until it is live again.
    await lockProjection(trx, projection.name);
    for (const table of projection.tables) await sql`TRUNCATE TABLE ${sql.table(table)}`.execute(trx);
    await trx
      .updateTable('projection_checkpoints')
      .set({ position: 0, status: 'rebuilding', last_error: null, updated_at: sql<Date>`now()` })
      .where('name', '=', projection.name)
      .execute();
  });

  const head = await store.headPosition();
  const progress: RebuildProgress = { projection: projection.name, position: 0, head, events: 0 };
  for (;;) {
    const batch = await store.readAll({ after: progress.position, limit: batchSize });
    if (batch.length === 0) break;
    await projector.applyBatch(batch.map((event) => ({ event })), { rebuilding: true });
    progress.position = batch[batch.length - 1]!.position;
    progress.events += batch.length;
    progress.head = Math.max(progress.head, progress.position);
    onProgress?.({ ...progress });
  }
  await db.updateTable('projection_checkpoints').set({ status: 'live', updated_at: sql<Date>`now()` }).where('name', '=', projection.name).execute();
  return progress;
}
