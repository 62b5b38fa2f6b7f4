/**
 * The relay: tails `$all` from its checkpoint and publishes each event to JetStream with
 * `Nats-Msg-Id` = event id. The checkpoint only ever names a position whose batch was fully
 * acknowledged, so a crash re-publishes a little, which the stream's duplicate window drops. One relay is active at a time (a PostgreSQL advisory lock); others wait as standbys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import { sql } from 'kysely';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { encodeEvent, subjectOf } from './event-wire';
import { tracedPublish } from '../telemetry/publish-tracing';

export interface RelayOptions {
  stream: string;
  subjectPrefix: string;
  batchSize: number;
  onError?: (error: unknown) => void;
  /** Test seam: called after each event's publish is acknowledged; throwing simulates a crash. */
  afterPublish?: (event: RecordedEvent) => void;
}

const LEADER_LOCK_KEY = 0x5342_0002;
/**
 * The checkpoint is saved at most this often (and on stop): after a crash the relay re-publishes
 * what came since, and JetStream drops those as duplicates (Nats-Msg-Id, 10-minute window).
 */
const CHECKPOINT_EVERY_MS = 100;

export class EventRelay {
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private published = 0;

  constructor(
    private readonly store: EventStore,
    private readonly js: JetStreamClient,
    private readonly db: ReadModelDb,
    private readonly options: RelayOptions,
  ) {}

  /** Position of the last event known to be on JetStream. */
  get publishedPosition(): number {
    return this.published;
  }

  start(): void {
    this.running ??= this.runAsLeader();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async runAsLeader(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        await this.db.connection().execute(async (connection) => {
          // The lock is held by this session for as long as it relays; it dies with the connection.
          while (!signal.aborted) {
            const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${LEADER_LOCK_KEY}) AS locked`.execute(connection);
            if (rows[0]?.locked) break;
            await sleep(1000, undefined, { signal }).catch(() => undefined);
          }
          try {
            if (!signal.aborted) await this.relay(connection);
          } finally {
            await sql`SELECT pg_advisory_unlock(${LEADER_LOCK_KEY})`.execute(connection).catch(() => undefined);
          }
        });
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error);
        await sleep(500, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async relay(db: ReadModelDb): Promise<void> {
    const { stream, batchSize } = this.options;
    const row = await db.selectFrom('relay_checkpoints').select('position').where('name', '=', stream).executeTakeFirst();
    let checkpoint = Number(row?.position ?? 0);
    let savedAt = Date.now();
    this.published = checkpoint;
    for await (const batch of this.store.subscribeToAll({ after: checkpoint, batchSize, signal: this.abort.signal })) {
      let previous = checkpoint;
      // Issued in order on one connection, so the stream stores them in position order.
      await Promise.all(
        batch.map((event) => {
          const { payload, headers } = encodeEvent(event, previous);
          const subject = subjectOf(event, this.options.subjectPrefix);
          previous = event.position;
          return tracedPublish(subject, event, headers, () => this.js.publish(subject, payload, { msgID: event.id, headers })).then(() =>
            this.options.afterPublish?.(event),
          );
        }),
      );
      checkpoint = previous;
      this.published = checkpoint;
      if (Date.now() - savedAt >= CHECKPOINT_EVERY_MS) {
        await this.saveCheckpoint(db, checkpoint);
        savedAt = Date.now();
      }
    }
    await this.saveCheckpoint(db, checkpoint);
  }

  private async saveCheckpoint(db: ReadModelDb, position: number): Promise<void> {
    const { stream } = this.options;
    await db
      .insertInto('relay_checkpoints')
      .values({ name: stream, position })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: sql<Date>`now()` }))
      .execute();
  }
}
