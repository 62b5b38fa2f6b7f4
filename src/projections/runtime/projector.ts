/**
 * Applies batches of events to one projection: the handlers' writes and the checkpoint commit in
 * one transaction (exactly-once effect under at-least-once delivery). Events at or below the
 * checkpoint are skipped. When the feed tells where each event's predecessor in `$all` was,
 * a batch stops at the first event whose predecessor has not been applied yet, so a redelivery
 * out of order can never make the checkpoint jump over an event.
 *
 * A handler that fails on an event is retried with backoff; when the attempts run out the event is
 * parked (a poison message) in the transaction that moves the checkpoint past it, and the
 * projection goes on. Transient failures (the database unreachable) are never blamed on an event:
 * they surface to the feed, which retries the batch until they pass.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, Transaction } from 'kysely';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { ChangeBus, ChangeNotice } from '../../ports/change-bus.port';
import type { Projection, ProjectionContext, ReadModelDb } from './projection';
import type { DB } from './database';
import type { ProjectionProgress } from './projection-progress';
import { ProjectionHandlerError } from './transient-errors';
import { inBatchSpan } from './projector-tracing';
import type { FedEvent } from './fed-event';
import type { EventReader } from '../../events/event-reader';
import { EventSchemaError } from '../../events/event-schema-error';
import { rebuildIsRunning } from './rebuild-lock';

export type { FedEvent } from './fed-event';

export interface BatchOutcome {
  /** How many of the fed events are done with (applied or skipped): ack these, redeliver the rest. */
  settled: number;
  checkpoint: number;
  /** The projection is being rebuilt by someone else; nothing after the settled events was applied. */
  paused: boolean;
}

/** How an event whose handler fails is retried before it is parked. */
export interface RetryPolicy {
  /** Attempts at the event, applied alone, before it is parked. */
  attempts: number;
  /** Wait after the first failed attempt; it doubles after each further one, up to MAX_BACKOFF_MS. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, backoffMs: 200 };
const MAX_BACKOFF_MS = 30_000;

const backoffDelay = ({ backoffMs }: RetryPolicy, attempt: number): number => Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempt - 1));

export interface ProjectorOptions {
  retry?: RetryPolicy;
  /** Called after COMMIT for each event parked. */
  onParked?: (event: RecordedEvent, error: unknown, projection: string) => void;
}

/** What one transaction writes for the events it takes: the handlers' rows, or parked events. */
type Write = (events: readonly RecordedEvent[], trx: Transaction<DB>, notices: ChangeNotice[]) => Promise<void>;

export class Projector {
  private readonly retry: RetryPolicy;

  constructor(
    readonly projection: Projection,
    private readonly db: ReadModelDb,
    private readonly changes: ChangeBus,
    private readonly progress: ProjectionProgress,
    /** The event catalog's reader: events reach the projection's handlers only through it. */
    private readonly reader: EventReader,
    private readonly options: ProjectorOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

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

  /** A rebuild emptied its tables: read-your-writes must not trust a position seen before. */
  forgetProgress(): void {
    this.progress.forget(this.name);
  }

  /**
   * The batch in one transaction. When a handler fails on it, the events are tried again one at a
   * time, so that the good ones are applied and only one that keeps failing is parked. All of it
   * in one span that continues the trace of the events (projector-tracing.ts).
   */
  applyBatch(fed: readonly FedEvent[], { rebuilding = false } = {}): Promise<BatchOutcome> {
    return inBatchSpan(this.name, fed, !rebuilding, () => this.applyBatchUntraced(fed, rebuilding));
  }

  private async applyBatchUntraced(fed: readonly FedEvent[], rebuilding: boolean): Promise<BatchOutcome> {
    try {
      return await this.commit(fed, rebuilding, (events, trx, notices) => this.apply(events, trx, notices));
    } catch (error) {
      if (!(error instanceof ProjectionHandlerError && error.blamesEvents)) throw error;
      return this.applyOneByOne(fed, rebuilding);
    }
  }

  private async applyOneByOne(fed: readonly FedEvent[], rebuilding: boolean): Promise<BatchOutcome> {
    let outcome: BatchOutcome = { settled: 0, checkpoint: 0, paused: false };
    for (const one of fed) {
      const single = await this.applyWithRetries(one, rebuilding);
      outcome = { settled: outcome.settled + single.settled, checkpoint: single.checkpoint, paused: single.paused };
      if (single.settled === 0) break; // paused, or a predecessor is missing: the feed decides what next
    }
    return outcome;
  }

  private async applyWithRetries(one: FedEvent, rebuilding: boolean): Promise<BatchOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commit([one], rebuilding, (events, trx, notices) => this.apply(events, trx, notices));
      } catch (error) {
        if (!(error instanceof ProjectionHandlerError && error.blamesEvents)) throw error;
        await this.recordError(error.cause);
        if (attempt < this.retry.attempts && error.retryable) {
          await sleep(backoffDelay(this.retry, attempt));
          continue;
        }
        let parked = false;
        const outcome = await this.commit([one], rebuilding, async (events, trx) => {
          await this.park(events, trx, error.cause, attempt);
          parked = events.length > 0;
        });
        if (parked) this.options.onParked?.(one.event, error.cause, this.name);
        return outcome;
      }
    }
  }

  /**
   * One transaction: lock the projection, take the fed events it has not applied yet (stopping
   * at a missing predecessor), write them, and move the checkpoint after them.
   */
  private async commit(fed: readonly FedEvent[], rebuilding: boolean, write: Write): Promise<BatchOutcome> {
    const notices: ChangeNotice[] = [];
    const outcome = await this.db.transaction().execute(async (trx) => {
      await lockProjection(trx, this.name);
      const row = await trx.selectFrom('projection_checkpoints').select(['position', 'status']).where('name', '=', this.name).executeTakeFirst();
      const start = Number(row?.position ?? 0);
      if (row?.status === 'rebuilding' && !rebuilding) {
        if (await rebuildIsRunning(trx, this.name)) return { settled: 0, checkpoint: start, paused: true };
        await this.takeBackFromDeadRebuild(trx, start);
      }

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
      await write(toApply, trx, notices);
      if (checkpoint > start) {
        await trx
          .updateTable('projection_checkpoints')
          .set({ position: checkpoint, failing_since: null, updated_at: sql<Date>`now()` })
          .where('name', '=', this.name)
          .execute();
      }
      return { settled, checkpoint, paused: false };
    });
    if (notices.length > 0) this.changes.publish(notices);
    this.progress.advanced(this.name, outcome.checkpoint);
    return outcome;
  }

  /**
   * The rebuild that left status `rebuilding` died with its process (its lock went with it). Its
   * batches committed with the checkpoint, so the projection goes on from there, live.
   */
  private async takeBackFromDeadRebuild(trx: Transaction<DB>, position: number): Promise<void> {
    await trx
      .updateTable('projection_checkpoints')
      .set({
        status: 'live',
        last_error: `rebuild abandoned at position ${position}: its process stopped`,
        last_error_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('name', '=', this.name)
      .where('status', '=', 'rebuilding') // not if it finished after all, a moment ago
      .execute();
  }

  /**
   * Only the events of types the projection reads reach it, each read through the event catalog
   * (upcast, parsed) first. One the catalog cannot read fails before any handler runs: that is the
   * event's fault, and no retry can mend it, so it is parked at once (after the batch is tried one
   * event at a time, so that only it is parked) while the projection goes on.
   */
  private async apply(events: readonly RecordedEvent[], trx: Transaction<DB>, notices: ChangeNotice[]): Promise<void> {
    const { projection } = this;
    const own: RecordedEvent[] = [];
    for (const event of events) {
      if (!projection.handles.has(event.type)) continue;
      try {
        own.push(this.reader.read(event));
      } catch (error) {
        if (!(error instanceof EventSchemaError)) throw error;
        throw new ProjectionHandlerError(this.name, event.position, error, { retryable: false });
      }
    }
    if (own.length === 0) return;
    const contextAt = (position: number): ProjectionContext => ({ trx, notify: (change) => notices.push({ view: this.name, position, ...change }) });
    await projection.apply(own, contextAt).catch((error: unknown) => {
      throw new ProjectionHandlerError(this.name, own.length === 1 ? own[0]!.position : undefined, error);
    });
  }

  private async park(events: readonly RecordedEvent[], trx: Transaction<DB>, cause: unknown, attempts: number): Promise<void> {
    const error = messageOf(cause);
    for (const event of events) {
      await trx
        .insertInto('projection_parked_events')
        .values({ projection: this.name, position: event.position, event_id: event.id, stream: event.stream, event_type: event.type, error, attempts })
        .execute();
    }
  }

  /** The projection is failing (state `failed`) from now until its checkpoint advances again. */
  async recordError(error: unknown): Promise<void> {
    await this.db
      .updateTable('projection_checkpoints')
      .set({
        last_error: messageOf(error),
        last_error_at: sql<Date>`now()`,
        failing_since: sql<Date>`coalesce(failing_since, now())`,
        updated_at: sql<Date>`now()`,
      })
      .where('name', '=', this.name)
      .execute()
      .catch(() => undefined);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

/**
 * One writer per projection at a time: standby projectors and a rebuild queue here. An advisory
 * lock rather than SELECT … FOR UPDATE, because locking a row gives the transaction an id at once,
 * and every transaction id in flight holds back the `$all` horizon the relay reads below.
 */
export async function lockProjection(trx: Transaction<DB>, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`projection:${name}`}, 0))`.execute(trx);
}
