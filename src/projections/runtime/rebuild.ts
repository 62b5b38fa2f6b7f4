/**
 * Rebuilds a projection from the event log while the app runs: empty its tables, forget its
 * parked events and reset its checkpoint (status `rebuilding`, so live feeds hold off), replay
 * `$all`, then hand back to the live feed, which skips what the rebuild applied and continues
 * after it. Events that still fail are parked again on the way.
 *
 * One rebuild per projection at a time: it holds the projection's rebuild lock throughout
 * (rebuild-lock.ts). A rebuild that finds status `rebuilding` but gets the lock takes over from
 * one that died. Should a rebuild lose its lock (its connection dropped) and another start over,
 * its next batch no longer follows the checkpoint, the projector refuses it, and it stops
 * (RebuildSupersededError) without touching what the new one owns.
 */
import { sql } from 'kysely';
import type { EventStore } from '../../ports/event-store.port';
import { lockProjection, type Projector } from './projector';
import type { ReadModelDb } from './projection';
import { withRebuildLock } from './rebuild-lock';

export { RebuildInProgressError } from './rebuild-lock';

export interface RebuildProgress {
  projection: string;
  /** Position before the first event of the log: progress runs from here to `head` (positions may be sparse). */
  from: number;
  position: number;
  head: number;
  events: number;
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Called once the rebuild owns the projection (its tables emptied, its status `rebuilding`). */
  onClaimed?: () => void;
  /** Stops between batches; the projection is handed back to its live feed. */
  signal?: AbortSignal;
}

export class RebuildSupersededError extends Error {
  override readonly name = 'RebuildSupersededError';
  constructor(
    readonly projection: string,
    readonly position: number,
  ) {
    super(`rebuild superseded: projection ${projection} no longer stands at position ${position} (another rebuild started over)`);
  }
}

/** RebuildInProgressError when another rebuild of the projection is running, in any process. */
export async function rebuildProjection(db: ReadModelDb, store: EventStore, projector: Projector, options: RebuildOptions = {}): Promise<RebuildProgress> {
  await projector.checkpoint();
  return withRebuildLock(db, projector.name, () => rebuildOwned(db, store, projector, options));
}

async function rebuildOwned(
  db: ReadModelDb,
  store: EventStore,
  projector: Projector,
  { batchSize = 1000, onProgress, onClaimed, signal }: RebuildOptions,
): Promise<RebuildProgress> {
  const { projection } = projector;
  await db.transaction().execute(async (trx) => {
    // Waits for a live batch in flight, then owns the projection until it is live again.
    await lockProjection(trx, projection.name);
    for (const table of projection.tables) await sql`TRUNCATE TABLE ${sql.table(table)}`.execute(trx);
    await trx.deleteFrom('projection_parked_events').where('projection', '=', projection.name).execute();
    await trx
      .updateTable('projection_checkpoints')
      .set({ position: 0, status: 'rebuilding', last_error: null, last_error_at: null, failing_since: null, updated_at: sql<Date>`now()` })
      .where('name', '=', projection.name)
      .execute();
  });
  projector.forgetProgress();
  onClaimed?.();

  const head = await store.headPosition();
  const progress: RebuildProgress = { projection: projection.name, from: 0, position: 0, head, events: 0 };
  try {
    for (;;) {
      signal?.throwIfAborted();
      const batch = await store.readAll({ after: progress.position, limit: batchSize });
      if (batch.length === 0) break;
      if (progress.events === 0) progress.from = batch[0]!.position - 1;
      // A chain from where this rebuild stands: applied only on top of its own checkpoint.
      const fed = batch.map((event, i) => ({ event, previousPosition: i === 0 ? progress.position : batch[i - 1]!.position }));
      const { settled } = await projector.applyBatch(fed, { rebuilding: true });
      if (settled < batch.length) throw new RebuildSupersededError(projection.name, progress.position);
      progress.position = batch[batch.length - 1]!.position;
      progress.events += batch.length;
      progress.head = Math.max(progress.head, progress.position);
      onProgress?.({ ...progress });
    }
  } catch (error) {
    if (error instanceof RebuildSupersededError) throw error; // the projection is the other rebuild's now
    // The tables match the checkpoint (each batch committed with it): the live feed can go on from
    // there, filling what it lacks from the log. A new rebuild starts over.
    const message = `rebuild stopped at position ${progress.position}: ${error instanceof Error ? error.message : String(error)}`;
    await db
      .updateTable('projection_checkpoints')
      .set({ status: 'live', last_error: message.slice(0, 2000), last_error_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('name', '=', projection.name)
      .execute();
    throw error;
  }
  await db
    .updateTable('projection_checkpoints')
    .set({ status: 'live', updated_at: sql<Date>`now()` })
    .where('name', '=', projection.name)
    .execute();
  return progress;
}
