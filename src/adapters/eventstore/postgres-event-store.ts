/**
 * EventStore on PostgreSQL or PGlite: one Kysely implementation for both.
 * Appends go through `sb_append` (one round trip); see postgres-event-store.migrations.ts
 * for how positions derive from transaction ids so that `$all` readers never skip an event.
 */
import { Kysely, sql } from 'kysely';
import {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  QueryAllFilter,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
  WrongExpectedRevisionError,
} from '../../ports/event-store.port';
import { pollAll, AppendSignal } from './poll-all';
import { AppendTelemetry } from '../telemetry/append-telemetry';
import { EVENTS_PER_TRANSACTION } from './postgres-event-store.migrations';

interface EventRow {
  position: string | number | bigint;
  id: string;
  stream: string;
  revision: string | number | bigint;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

/** Below the oldest transaction in flight: no transaction that could still commit a lower position is open. */
const HORIZON = sql<number>`pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${sql.lit(EVENTS_PER_TRANSACTION)}`;

/** The indexed expression `events_actor_position` (migration 0003) is built on. */
const ACTOR_ID = sql<string>`metadata->>'actorId'`;

export class PostgresEventStore implements EventStore {
  private readonly appended = new AppendSignal();
  private readonly telemetry = new AppendTelemetry('postgresql');

  constructor(
    private readonly db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- events table is private to this adapter
    private readonly options: { idlePollMs?: number } = {},
  ) {}

  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.telemetry.observe(stream, events.length, () => this.appendNow(stream, events, expectedRevision));
  }

  private async appendNow(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const result = await sbAppend(this.db, stream, events, expectedRevision);
    this.appended.raise(result.position);
    return result;
  }

  /** One transaction calling `sb_append` per stream: its positions continue after its own earlier appends. */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return Promise.resolve([]);
    return this.telemetry.observeMany(appends, () => this.appendManyNow(appends));
  }

  private async appendManyNow(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (new Set(appends.map((a) => a.stream)).size !== appends.length) throw new Error('appendMany takes each stream once');
    // Streams are locked in name order, so two transactions over the same streams cannot deadlock.
    const order = appends.map((_, index) => index).sort((a, b) => (appends[a]!.stream < appends[b]!.stream ? -1 : 1));
    const results: AppendResult[] = new Array<AppendResult>(appends.length);
    await this.db.transaction().execute(async (trx) => {
      for (const index of order) {
        const { stream, events, expectedRevision } = appends[index]!;
        results[index] = await sbAppend(trx, stream, events, expectedRevision);
      }
    });
    this.appended.raise(Math.max(...results.map((result) => result.position)));
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    let query = this.db
      .selectFrom('events')
      .select(['position', 'id', 'stream', 'revision', 'type', 'data', 'metadata', 'recorded_at'])
      .where('stream', '=', stream)
      .where('revision', '>=', options.fromRevision ?? 0)
      .orderBy('revision');
    if (options.maxCount !== undefined) query = query.limit(options.maxCount);
    return (await query.execute()).map(toRecorded);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['position', 'id', 'stream', 'revision', 'type', 'data', 'metadata', 'recorded_at'])
      .where('position', '>', after)
      .where('position', '<', HORIZON)
      .orderBy('position')
      .limit(limit)
      .execute();
    return rows.map(toRecorded);
  }

  /**
   * One query; each filter matches an index of migration 0003 (the actor expression must stay
   * written exactly as indexed). `to` is compared as `recorded_at < to + 1 ms`: recorded_at has
   * microseconds, recordedAt only milliseconds, so an event whose recordedAt equals `to` is kept.
   */
  async queryAll({ after = 0, limit, types, actorId, from, to }: QueryAllFilter): Promise<RecordedEvent[]> {
    if (limit <= 0 || types?.length === 0) return [];
    let query = this.db
      .selectFrom('events')
      .select(['position', 'id', 'stream', 'revision', 'type', 'data', 'metadata', 'recorded_at'])
      .where('position', '>', after)
      .where('position', '<', HORIZON);
    if (types) query = query.where('type', 'in', [...types]);
    if (actorId !== undefined) query = query.where(ACTOR_ID, '=', actorId);
    if (from) query = query.where('recorded_at', '>=', from);
    if (to) query = query.where('recorded_at', '<', new Date(to.getTime() + 1));
    const rows = await query.orderBy('position').limit(limit).execute();
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<RecordedEvent[]> {
    return pollAll((o) => this.readAll(o), this.appended, { ...options, idlePollMs: this.options.idlePollMs ?? 200 });
  }

  async headPosition(): Promise<number> {
    const row = await this.db.selectFrom('events').select('position').where('position', '<', HORIZON).orderBy('position', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  async committedHeadPosition(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('position').as('position'))
      .executeTakeFirst();
    return row?.position == null ? 0 : Number(row.position);
  }

  async close(): Promise<void> {
    // The Kysely instance is shared with the read models; its owner destroys it.
  }
}

async function sbAppend(
  db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- events table is private to this adapter
  stream: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): Promise<AppendResult> {
  if (events.length === 0) throw new Error('append needs at least one event');
  const payload = JSON.stringify(events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })));
  try {
    const { rows } = await sql<{ revision: number; position: number }>`
      SELECT revision, position FROM sb_append(${stream}, ${String(expectedRevision)}, ${payload}::jsonb)`.execute(db);
    const last = rows[rows.length - 1];
    if (!last) throw new Error(`append to ${stream} returned nothing`);
    return { revision: Number(last.revision), position: Number(last.position) };
  } catch (error) {
    const pgError = error as { code?: string; detail?: string };
    if (pgError.code !== 'SB409') throw error;
    const actual = pgError.detail === undefined || pgError.detail === 'no_stream' ? 'no_stream' : Number(pgError.detail);
    throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    position: Number(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}
