/**
 * Where each projection stands, for operators (the admin API and the CLI): its checkpoint, how far
 * it lags the log, its state, its last error and the events it parked.
 *
 * States:
 * - `rebuilding`: a rebuild owns the projection; live feeds hold off until it is done.
 * - `failed`: its latest attempt failed and it has not advanced since: it is retrying an event with
 *   backoff (which it parks when the attempts run out), or the database is failing it.
 * - `live`: anything else. A live projection may have parked events: it went past them.
 */
import type { EventStore } from '../../ports/event-store.port';
import type { ReadModelDb } from './projection';

export type ProjectionState = 'live' | 'rebuilding' | 'failed';

export interface ParkedEvent {
  position: number;
  eventId: string;
  stream: string;
  type: string;
  error: string;
  attempts: number;
  parkedAt: Date;
}

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  checkpoint: number;
  lag: {
    /** Head position minus checkpoint: 0 when caught up (positions may be sparse, so not a count of events). */
    positions: number;
    /** Age of the oldest event not applied yet; 0 when caught up. */
    seconds: number;
  };
  lastError: { message: string; at: Date | null } | null;
  failingSince: Date | null;
  parked: { count: number; latest: ParkedEvent[] };
}

export async function readProjectionStatuses(
  db: ReadModelDb,
  store: EventStore,
  names: readonly string[],
  { parkedLimit = 5, now = () => Date.now() }: { parkedLimit?: number; now?: () => number } = {},
): Promise<{ head: number; projections: ProjectionStatus[] }> {
  const head = await store.headPosition();
  if (names.length === 0) return { head, projections: [] };
  const rows = await db.selectFrom('projection_checkpoints').selectAll().where('name', 'in', names).execute();
  const parkedCounts = await db
    .selectFrom('projection_parked_events')
    .select(['projection', (eb) => eb.fn.countAll<number>().as('count')])
    .where('projection', 'in', names)
    .groupBy('projection')
    .execute();

  const projections = await Promise.all(
    names.map(async (name): Promise<ProjectionStatus> => {
      const row = rows.find((r) => r.name === name);
      const checkpoint = Number(row?.position ?? 0);
      const count = Number(parkedCounts.find((p) => p.projection === name)?.count ?? 0);
      return {
        name,
        state: row?.status === 'rebuilding' ? 'rebuilding' : row?.failing_since ? 'failed' : 'live',
        checkpoint,
        lag: { positions: Math.max(0, head - checkpoint), seconds: await secondsBehind(store, checkpoint, head, now()) },
        lastError: row?.last_error ? { message: row.last_error, at: row.last_error_at } : null,
        failingSince: row?.failing_since ?? null,
        parked: { count, latest: count > 0 ? await latestParked(db, name, parkedLimit) : [] },
      };
    }),
  );
  return { head, projections };
}

async function secondsBehind(store: EventStore, checkpoint: number, head: number, now: number): Promise<number> {
  if (checkpoint >= head) return 0;
  const [oldest] = await store.readAll({ after: checkpoint, limit: 1 });
  return oldest ? Math.max(0, (now - oldest.recordedAt.getTime()) / 1000) : 0;
}

async function latestParked(db: ReadModelDb, projection: string, limit: number): Promise<ParkedEvent[]> {
  const rows = await db
    .selectFrom('projection_parked_events')
    .selectAll()
    .where('projection', '=', projection)
    .orderBy('position', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    position: Number(r.position),
    eventId: r.event_id,
    stream: r.stream,
    type: r.event_type,
    error: r.error,
    attempts: r.attempts,
    parkedAt: r.parked_at,
  }));
}
