/**
 * Applies batches of events to one projection: the handlers' writes and the checkpoint commit in
 * one transaction (exactly-once effect under at-least-once delivery). Events at or below the
 * checkpoint are skipped. When the feed tells where each event's predecessor in `$all` was,
 * a batch stops at the first event whose predecessor has not been applied yet, so a redelivery
 * out of order can never make the checkpoint jump over an event.
 */
import { sql, Transaction } from 'kysely';
import type { RecordedEvent } from '../ports/event-store.port';
import type { ChangeBus, ChangeNotice } from '../ports/change-bus.port';
import type { Projection, ProjectionContext, ReadModelDb } from './projection';
import type { DB } from './database';
import type { ProjectionProgress } from './projection-progress';

export interface FedEvent {
  event: RecordedEvent;
  /** Position of the event before this one in `$all`, when the feed knows it. */
  previousPosition?: number;
}

export interface BatchOutcome {
  /** How many of the fed events are done with (applied or skipped): ack these, redeliver the rest. */
  settled: number;
  checkpoint: number;
  /** The projection is being rebuilt by someone else; nothing was applied. */
  paused: boolean;
}

export class Projector {
  constructor(
    readonly projection: Projection,
    private readonly db: ReadModelDb,
    private readonly changes: ChangeBus,
    private readonly progress: ProjectionProgress,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  async checkpoint(): Promise<number> {
    await this.db
      .insertInto('projection_checkpoints')
      .values({ name: this.name })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('projection_checkpoints').select('position').where('name', '=', this.name).executeTakeFirstOrThrow();
    return Number(row.position);
  }

  async applyBatch(fed: readonly FedEvent[], { rebuilding = false } = {}): Promise<BatchOutcome> {
    const notices: ChangeNotice[] = [];
    const outcome = await this.db.transaction().execute(async (trx) => {
      await lockProjection(trx, this.name);
      const row = await trx.selectFrom('projection_checkpoints').select(['position', 'status']).where('name', '=', this.name).executeTakeFirst();
      const start = Number(row?.position ?? 0);
      if (row?.status === 'rebuilding' && !rebuilding) return { settled: 0, checkpoint: start, paused: true };

      let checkpoint = start;
      let settled = 0;
      const toApply: RecordedEvent[] = [];
      for (const { event, previousPosition } of fed) {
        if (event.position <= checkpoint) {
          settled++;
          continue;
        }
        if (previousPosition !== undefined && previousPosition > checkpoint) break; // a predecessor is missing
        toApply.push(event);
        checkpoint = event.position;
        settled++;
      }
      await this.apply(toApply, trx, notices);
      if (checkpoint > start) {
        await trx
          .updateTable('projection_checkpoints')
          .set({ position: checkpoint, last_error: null, updated_at: sql<Date>`now()` })
          .where('name', '=', this.name)
          .execute();
      }
      return { settled, checkpoint, paused: false };
    });
    if (notices.length > 0) this.changes.publish(notices);
    this.progress.advanced(this.name, outcome.checkpoint);
    return outcome;
  }

  private async apply(events: readonly RecordedEvent[], trx: Transaction<DB>, notices: ChangeNotice[]): Promise<void> {
    const { handleBatch, handlers } = this.projection;
    const context = (position: number): ProjectionContext => ({
      trx,
      notify: (change) => notices.push({ view: this.name, position, ...change }),
    });
    if (handleBatch) {
      if (events.length > 0) await handleBatch(events, context(events[events.length - 1]!.position));
      return;
    }
    for (const event of events) {
      const handler = handlers[event.type];
      if (handler) await handler(event, context(event.position));
    }
  }

  async recordError(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.db
      .updateTable('projection_checkpoints')
      .set({ last_error: message.slice(0, 2000), updated_at: sql<Date>`now()` })
      .where('name', '=', this.name)
      .execute()
      .catch(() => undefined);
  }
}

/**
 * One writer per projection at a time: standby projectors and a rebuild queue here. An advisory
 * lock rather than SELECT … FOR UPDATE, because locking a row gives the transaction an id at once,
 * and every transaction id in flight holds back the `$all` horizon the relay reads below.
 */
export async function lockProjection(trx: Transaction<DB>, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`projection:${name}`}, 0))`.execute(trx);
}
