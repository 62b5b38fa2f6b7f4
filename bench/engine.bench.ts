/**
 * `npm run bench -- engine`: the event store's append throughput and latency against a raw
 * INSERT baseline and Emmett's PostgreSQL event store, then the projection lag of the real
 * pipeline (append → relay → JetStream → projector COMMIT) at a steady rate.
 *
 * Everything runs on fresh `sb_bench_*` databases created for the run and dropped at the end.
 * The three append contenders run interleaved (several short rounds per writer count, in a
 * rotating order) so that the noise of a shared machine hits them alike; only the ratios
 * measured side by side in one run mean much.
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL      admin connection (default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_NATS_URL          default nats://127.0.0.1:4222
 *   BENCH_SECONDS           timed seconds per cell (writers × contender), split into rounds (default 3)
 *   BENCH_ROUNDS            rounds per writer count (default 3)
 *   BENCH_WARMUP_SECONDS    untimed appends before each round of each contender (default 0.5)
 *   BENCH_WRITERS           concurrent writer counts (default 1,8,64)
 *   BENCH_STREAM_EVENTS     events a writer appends to one stream before starting a new one (default 10)
 *   BENCH_DATA_BYTES        size of each event's JSON data (default 200)
 *   BENCH_LAG_SECONDS       measured seconds of the projection-lag run (default 5)
 *   BENCH_LAG_WARMUP_SECONDS  unmeasured seconds before it (default 1)
 *   BENCH_LAG_RATE          events per second (default 1000)
 *   BENCH_LAG_WRITERS       writers sharing that rate, each appending to streams it owns (default 16)
 *
 * `npm run bench -- engine --tracing` measures instead what tracing costs: the engine's appends and
 * the projection lag, with tracing off (the no-op API, as without OTEL_EXPORTER_OTLP_ENDPOINT) and
 * on (the SDK with pg instrumentation and a batch span processor), in interleaved rounds; see
 * engine-tracing-overhead.ts. The same settings apply.
 */
// First: with --tracing the SDK starts before pg loads, for the pg instrumentation to patch it.
import { TRACING_FLAG } from './engine-tracing';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomTypesConfig, Pool, types } from 'pg';
import { Kysely, sql } from 'kysely';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { getPostgreSQLEventStore, PostgresEventStore as EmmettEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST, type Event as EmmettEvent } from '@event-driven-io/emmett';
import { openPostgres, Database } from '../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../src/adapters/postgres/migrate';
import { PostgresEventStore } from '../src/adapters/eventstore/postgres-event-store';
import { EventRelay } from '../src/adapters/bus/event-relay';
import { JetStreamProjectionFeed } from '../src/adapters/bus/jetstream-projection-feed';
import { ensureEventsStream } from '../src/adapters/bus/jetstream-setup';
import { InProcessChangeBus } from '../src/adapters/bus/in-process-change-bus';
import { Projector } from '../src/projections/runtime/projector';
import { ProjectionProgress } from '../src/projections/runtime/projection-progress';
import type { Projection } from '../src/projections/runtime/projection';
import type { DB } from '../src/projections/runtime/database';
import type { EventMetadata, EventToAppend, ExpectedRevision } from '../src/ports/event-store.port';
import { databaseUrl, ms, passOrMiss, rate, summarize, untyped, withAdmin } from './support';

// ───────────────────────────── settings ─────────────────────────────

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

export function settingsFromEnv() {
  const writers = (process.env.BENCH_WRITERS ?? '1,8,64').split(',').map((w) => Number(w.trim()));
  if (writers.some((w) => !Number.isInteger(w) || w <= 0)) throw new Error('BENCH_WRITERS must list positive integers, e.g. 1,8,64');
  return {
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    natsUrl: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    seconds: positive('BENCH_SECONDS', 3),
    rounds: Math.round(positive('BENCH_ROUNDS', 3)),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', 0.5),
    writers,
    eventsPerStream: Math.round(positive('BENCH_STREAM_EVENTS', 10)),
    dataBytes: Math.round(positive('BENCH_DATA_BYTES', 200)),
    lagSeconds: positive('BENCH_LAG_SECONDS', 5),
    lagWarmupSeconds: positive('BENCH_LAG_WARMUP_SECONDS', 1),
    lagRate: positive('BENCH_LAG_RATE', 1000),
    lagWriters: Math.round(positive('BENCH_LAG_WRITERS', 16)),
  };
}

export type Settings = ReturnType<typeof settingsFromEnv>;

const TARGET_VS_RAW = 0.5;
const TARGET_VS_EMMETT = 1.5;
const TARGET_LAG_P99_MS = 100;
const LAG_DRAIN_TIMEOUT_MS = 15_000;
const EVENT_TYPE = 'BenchEvent';

// ───────────────────────────── helpers ─────────────────────────────

/** EventMetadata as a type alias, so that it is also a `Record<string, unknown>` for Emmett. */
type BenchMetadata = { [K in keyof EventMetadata]: EventMetadata[K] };

/** Event data of exactly `bytes` bytes of JSON (a realistic-looking ticket event, padded). */
function payloadFactory(bytes: number): () => { data: Record<string, unknown>; metadata: BenchMetadata } {
  const shape = (body: string) => ({
    ticketId: randomUUID(),
    subject: 'Printer on the third floor is out of toner again',
    priority: 'normal',
    body,
  });
  const base = JSON.stringify(shape('')).length;
  const body = 'x'.repeat(Math.max(0, bytes - base));
  return () => {
    const commandId = randomUUID();
    return {
      data: shape(body),
      metadata: { actorId: randomUUID(), commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 },
    };
  };
}

// ─────────────── pg type parsers: keep Emmett's to Emmett's pool ───────────────
// dumbo (under Emmett) installs process-wide pg type parsers on first use (int8 → BigInt, JSON with
// a BigInt reviver), while openPostgres installs int8 → number. So that neither contender runs with
// the other's parsers, Emmett's are given to Emmett's own pool only and the global ones restored.

const PARSED_TYPES = [types.builtins.INT8, types.builtins.JSON, types.builtins.JSONB];
type Parser = (value: string) => unknown;
type TypeId = Parameters<typeof types.getTypeParser>[0];
type TypeFormat = Parameters<typeof types.getTypeParser>[1];
const snapshotParsers = () => new Map(PARSED_TYPES.map((oid) => [oid, types.getTypeParser(oid, 'text') as Parser]));
let emmettParsers: Map<TypeId, Parser> | undefined;
const emmettTypes: CustomTypesConfig = {
  getTypeParser: ((oid: TypeId, format?: TypeFormat) =>
    (format ?? 'text') === 'text' && emmettParsers?.has(oid) ? emmettParsers.get(oid) : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

function emmettStoreOn(url: string, pool: Pool): EmmettEventStore {
  const ours = snapshotParsers();
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  emmettParsers ??= snapshotParsers();
  for (const [oid, parser] of ours) types.setTypeParser(oid, 'text', parser);
  return store;
}

// ───────────────────────────── append contenders ─────────────────────────────

/**
 * The streams one writer owns: `eventsPerStream` events each, then a fresh one. `version` is what
 * the store answered for the last append (undefined: the stream does not exist yet). A failed
 * append also moves on to a fresh stream, so one failure cannot poison the rest of the run.
 */
class OwnedStreams<Version> {
  private stream = 0;
  private inStream = 0;
  version: Version | undefined;

  constructor(
    private readonly prefix: string,
    private readonly eventsPerStream: number,
  ) {}

  get current(): string {
    return `${this.prefix}s${this.stream}`;
  }

  appended(version: Version): void {
    this.version = version;
    if (++this.inStream >= this.eventsPerStream) this.next();
  }

  failed(): void {
    this.next();
  }

  private next(): void {
    this.stream++;
    this.inStream = 0;
    this.version = undefined;
  }
}

type Append = () => Promise<void>;

interface Session {
  /** Opens every connection of the pool before anything is timed. */
  connect(): Promise<void>;
  /** The `index`-th writer of this session: each call appends its next event. */
  writer(index: number): Append;
  close(): Promise<void>;
}

interface Contender {
  name: 'raw' | 'engine' | 'emmett';
  open(poolSize: number, tag: string): Promise<Session>;
}

/** Runs `poolSize` overlapping queries so that the pool opens all its connections now. */
async function fill(poolSize: number, query: () => Promise<unknown>): Promise<void> {
  await Promise.all(Array.from({ length: poolSize }, query));
}

export function contenders(url: string, settings: Settings): Contender[] {
  const payload = payloadFactory(settings.dataBytes);
  const { eventsPerStream } = settings;

  const raw: Contender = {
    name: 'raw',
    async open(poolSize, tag) {
      const pool = new Pool({ connectionString: url, max: poolSize });
      pool.on('error', () => undefined);
      return {
        connect: () => fill(poolSize, () => pool.query('SELECT pg_sleep(0.05)')),
        writer(index) {
          const streams = new OwnedStreams<null>(`bench-${tag}w${index}`, eventsPerStream);
          return async () => {
            const { data, metadata } = payload();
            try {
              await pool.query('INSERT INTO raw_events (id, stream, type, data, metadata) VALUES ($1, $2, $3, $4, $5)', [
                randomUUID(),
                streams.current,
                EVENT_TYPE,
                JSON.stringify(data),
                JSON.stringify(metadata),
              ]);
            } catch (error) {
              streams.failed();
              throw error;
            }
            streams.appended(null);
          };
        },
        close: () => pool.end(),
      };
    },
  };

  const engine: Contender = {
    name: 'engine',
    async open(poolSize, tag) {
      const database = openPostgres(url, poolSize);
      const store = new PostgresEventStore(database.db);
      return {
        connect: () => fill(poolSize, () => sql`SELECT pg_sleep(0.05)`.execute(database.db)),
        writer(index) {
          const streams = new OwnedStreams<number>(`bench-${tag}w${index}`, eventsPerStream);
          return async () => {
            const expected: ExpectedRevision = streams.version ?? 'no_stream';
            try {
              const result = await store.append(streams.current, [{ id: randomUUID(), type: EVENT_TYPE, ...payload() }], expected);
              streams.appended(result.revision);
            } catch (error) {
              streams.failed();
              throw error;
            }
          };
        },
        close: () => database.close(),
      };
    },
  };

  const emmett: Contender = {
    name: 'emmett',
    async open(poolSize, tag) {
      const pool = new Pool({ connectionString: url, max: poolSize, types: emmettTypes });
      pool.on('error', () => undefined);
      const store = emmettStoreOn(url, pool);
      await store.schema.migrate(); // already created in setup; this settles the store's schema check before timing
      return {
        connect: () => fill(poolSize, () => pool.query('SELECT pg_sleep(0.05)')),
        writer(index) {
          const streams = new OwnedStreams<bigint>(`bench-${tag}w${index}`, eventsPerStream);
          return async () => {
            const event: EmmettEvent<typeof EVENT_TYPE, Record<string, unknown>, BenchMetadata> = { type: EVENT_TYPE, ...payload() };
            try {
              const result = await store.appendToStream(streams.current, [event], { expectedStreamVersion: streams.version ?? STREAM_DOES_NOT_EXIST });
              streams.appended(result.nextExpectedStreamVersion);
            } catch (error) {
              streams.failed();
              throw error;
            }
          };
        },
        async close() {
          await store.close();
          await pool.end();
        },
      };
    },
  };

  return [raw, engine, emmett];
}

export interface Slice {
  count: number;
  elapsedMs: number;
  latencies: number[];
  errors: number;
  firstError?: unknown;
}

/** `writers` loops appending back to back until the deadline; latencies are recorded when `record`. */
export async function drive(appends: readonly Append[], seconds: number, record: boolean): Promise<Slice> {
  const slice: Slice = { count: 0, elapsedMs: 0, latencies: [], errors: 0 };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    appends.map(async (append) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await append();
        } catch (error) {
          slice.errors++;
          slice.firstError ??= error;
          continue;
        }
        const t1 = performance.now();
        if (record) slice.latencies.push(t1 - t0);
        slice.count++;
      }
    }),
  );
  slice.elapsedMs = performance.now() - started;
  return slice;
}

interface Cell {
  writers: number;
  contender: Contender['name'];
  count: number;
  elapsedMs: number;
  latencies: number[];
  errors: number;
  firstError?: unknown;
}

async function appendBenchmark(url: string, settings: Settings): Promise<Cell[]> {
  const all = contenders(url, settings);
  const cells = new Map<string, Cell>();
  for (const writers of settings.writers) {
    for (const contender of all) cells.set(`${writers}/${contender.name}`, { writers, contender: contender.name, count: 0, elapsedMs: 0, latencies: [], errors: 0 });
  }
  const sliceSeconds = settings.seconds / settings.rounds;
  let sliceId = 0;
  for (const writers of settings.writers) {
    for (let round = 0; round < settings.rounds; round++) {
      // Rotate the order each round so that no contender always runs first (or right after another).
      const order = all.map((_, i) => all[(i + round + writers) % all.length]!);
      for (const contender of order) {
        const tag = `${contender.name[0]}${sliceId++}`;
        const session = await contender.open(writers, tag);
        try {
          await session.connect();
          const appends = Array.from({ length: writers }, (_, i) => session.writer(i));
          const warm = await drive(appends, settings.warmupSeconds, false);
          const timed = await drive(appends, sliceSeconds, true);
          const key = `${writers}/${contender.name}`;
          const cell = cells.get(key)!;
          cell.count += timed.count;
          cell.elapsedMs += timed.elapsedMs;
          for (const latency of timed.latencies) cell.latencies.push(latency);
          cell.errors += warm.errors + timed.errors;
          cell.firstError ??= warm.firstError ?? timed.firstError;
          process.stderr.write(
            `  ${String(writers).padStart(2)} writers, round ${round + 1}/${settings.rounds}, ${contender.name.padEnd(6)}: ${rate((timed.count / timed.elapsedMs) * 1000)} appends/s\n`,
          );
        } finally {
          await session.close();
        }
      }
    }
  }
  return [...cells.values()];
}

function printAppendTable(cells: readonly Cell[], settings: Settings): void {
  const perSecond = (cell: Cell) => (cell.count / cell.elapsedMs) * 1000;
  const header = ['writers', 'contender', 'appends/s', 'p50 ms', 'p99 ms'];
  const rows = cells.map((cell) => {
    const { p50, p99 } = summarize(cell.latencies);
    return [String(cell.writers), cell.contender, rate(perSecond(cell)), ms(p50), ms(p99)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  let previous: number | undefined;
  for (const [i, row] of rows.entries()) {
    if (previous !== undefined && cells[i]!.writers !== previous) console.log(widths.map((w) => ' '.repeat(w)).join(' | ').trimEnd());
    previous = cells[i]!.writers;
    console.log(line(row));
  }

  for (const cell of cells.filter((c) => c.errors > 0)) {
    const reason = cell.firstError instanceof Error ? cell.firstError.message : String(cell.firstError);
    console.log(`! ${cell.contender} at ${cell.writers} writers: ${cell.errors} failed appends (first: ${reason})`);
  }

  const find = (writers: number, name: Contender['name']) => cells.find((c) => c.writers === writers && c.contender === name);
  const top = Math.max(...settings.writers);
  const ratio = (writers: number, other: Contender['name']) => {
    const engine = find(writers, 'engine');
    const them = find(writers, other);
    return engine && them ? perSecond(engine) / perSecond(them) : Number.NaN;
  };
  console.log('');
  console.log(`Ratios at ${top} writers (appends/s, measured side by side):`);
  const vsRaw = ratio(top, 'raw');
  const vsEmmett = ratio(top, 'emmett');
  console.log(`  engine / raw    = ${vsRaw.toFixed(2)}×   target ≥ ${TARGET_VS_RAW}×   ${passOrMiss(vsRaw >= TARGET_VS_RAW)}`);
  console.log(`  engine / emmett = ${vsEmmett.toFixed(2)}×   target ≥ ${TARGET_VS_EMMETT}×   ${passOrMiss(vsEmmett >= TARGET_VS_EMMETT)}`);
  const others = settings.writers.filter((w) => w !== top);
  if (others.length > 0) {
    const text = others.map((w) => `${w} writers: engine/raw ${ratio(w, 'raw').toFixed(2)}×, engine/emmett ${ratio(w, 'emmett').toFixed(2)}×`);
    console.log(`  (for reference, ${text.join('; ')})`);
  }
}

// ───────────────────────────── projection lag ─────────────────────────────

const LAG_VIEW = 'bench_lag';
const LAG_TABLE = 'bench_lag_rows';

type LagHandler = 'batch' | 'event';

/**
 * One table, one row per stream holding the position of the stream's last event. `event`: one
 * upsert per event (the plain `handlers` form); `batch`: one set-based upsert per batch
 * (`handleBatch`). Both notify per event, after COMMIT.
 */
function benchProjection(kind: LagHandler): Projection {
  const upsertOne = sql`ON CONFLICT (stream) DO UPDATE SET position = excluded.position, event_id = excluded.event_id`;
  return {
    name: LAG_VIEW,
    // The bench table is not part of the application's DB typing; it is listed for completeness.
    tables: [LAG_TABLE as keyof DB & string],
    migrations: {
      bench_0001_lag_rows: {
        async up(db: Kysely<unknown>) {
          await sql`
            CREATE TABLE ${sql.table(LAG_TABLE)} (
              stream   text PRIMARY KEY,
              position bigint NOT NULL,
              event_id uuid NOT NULL
            )`.execute(db);
        },
      },
    },
    handlers:
      kind === 'event'
        ? {
            [EVENT_TYPE]: async (event, { trx, notify }) => {
              await sql`
                INSERT INTO ${sql.table(LAG_TABLE)} (stream, position, event_id)
                VALUES (${event.stream}, ${event.position}, ${event.id}) ${upsertOne}`.execute(trx);
              notify({ key: event.id, type: event.type, data: {} });
            },
          }
        : {},
    handleBatch:
      kind === 'batch'
        ? async (events, { trx, notify }) => {
            const latest = new Map(events.filter((e) => e.type === EVENT_TYPE).map((e) => [e.stream, e]));
            const rows = [...latest.values()].map((e) => ({ stream: e.stream, position: e.position, event_id: e.id }));
            if (rows.length > 0) {
              await sql`
                INSERT INTO ${sql.table(LAG_TABLE)} (stream, position, event_id)
                SELECT stream, position, event_id FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                  AS r(stream text, position bigint, event_id uuid)
                ${upsertOne}`.execute(trx);
            }
            for (const event of events) notify({ key: event.id, type: event.type, data: {}, position: event.position });
          }
        : undefined,
  };
}

export interface LagReport {
  issued: number;
  measured: number;
  issueRate: number;
  projected: number;
  missing: number;
  duplicates: number;
  appendErrors: number;
  pipelineErrors: string[];
  append: ReturnType<typeof summarize>;
  toPublished: ReturnType<typeof summarize>;
  toCommitted: ReturnType<typeof summarize>;
  fromSchedule: ReturnType<typeof summarize>;
  batches: number;
  meanBatch: number;
  applyBatch: ReturnType<typeof summarize>;
  maxBacklog: number;
  readFromLog: number;
  /** Where each stage stood when the run ended (after the drain wait). */
  headPosition: number;
  relayedPosition: number;
  projectionCheckpoint: number;
}

export async function lagBenchmark(
  url: string,
  settings: Settings,
  { streamName, subjectPrefix, handler }: { streamName: string; subjectPrefix: string; handler: LagHandler },
  streamCreated: () => void,
): Promise<LagReport> {
  const database: Database = openPostgres(url, settings.lagWriters + 8);
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  let relay: EventRelay | undefined;
  let feed: JetStreamProjectionFeed | undefined;
  const bus = new InProcessChangeBus();
  try {
    await migrateToLatest(untyped(database.db), migrationsFor({ sqlEventStore: true, projections: [benchProjection(handler)] }));
    // One store for the writers and the relay, as in one app process: appends wake the relay at once.
    const store = new PostgresEventStore(database.db);

    nc = await connect({ servers: settings.natsUrl, name: 'switchboard-bench-engine' });
    const js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, streamName, subjectPrefix);
    streamCreated();

    const pipelineErrors: string[] = [];
    const onError = (error: unknown, where?: string) => {
      if (pipelineErrors.length < 20) pipelineErrors.push(`${where ?? 'relay'}: ${error instanceof Error ? error.message : String(error)}`);
    };

    const scheduledAt = new Map<string, number>();
    const sentAt = new Map<string, number>();
    const appendedAt = new Map<string, number>();
    const publishedAt = new Map<string, number>();
    const committedAt = new Map<string, number>();
    let duplicates = 0;
    bus.subscribe(`${LAG_VIEW}.*`, (change) => {
      const now = performance.now();
      if (committedAt.has(change.key)) duplicates++;
      else committedAt.set(change.key, now);
    });

    const PROJECTION_BATCH_SIZE = Number(process.env.BENCH_PROJECTION_BATCH ?? 64);
    const progress = new ProjectionProgress(database.db, 5_000);
    const projector = new Projector(benchProjection(handler), database.db, bus, progress);
    const batchSizes: number[] = [];
    const batchMs: number[] = [];
    let readFromLog = 0; // events the feed fed without a JetStream predecessor header: gap fills from the log
    const applyBatch = projector.applyBatch.bind(projector);
    projector.applyBatch = async (fed, options) => {
      const t0 = performance.now();
      const outcome = await applyBatch(fed, options);
      batchMs.push(performance.now() - t0);
      batchSizes.push(fed.length);
      readFromLog += fed.filter((f) => f.previousPosition === undefined).length;
      return outcome;
    };

    relay = new EventRelay(store, js, database.db, {
      stream: streamName,
      subjectPrefix,
      batchSize: 256,
      onError: (error) => onError(error, 'relay'),
      afterPublish: (event) => publishedAt.set(event.id, performance.now()),
    });
    relay.start();
    feed = new JetStreamProjectionFeed(projector, store, js, jsm, { stream: streamName, batchSize: PROJECTION_BATCH_SIZE, ackWaitMs: 10_000, onError });
    await feed.start();

    // Writers: each owns its streams and appends its queue in order with the known revision.
    const payload = payloadFactory(settings.dataBytes);
    let appendErrors = 0;
    let backlog = 0;
    let maxBacklog = 0;
    const writers = Array.from({ length: settings.lagWriters }, (_, index) => {
      const queue: string[] = [];
      let pumping: Promise<void> | undefined;
      const streams = new OwnedStreams<number>(`benchlag-w${index}`, settings.eventsPerStream);
      const pump = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const event: EventToAppend = { id, type: EVENT_TYPE, ...payload() };
          sentAt.set(id, performance.now());
          try {
            streams.appended((await store.append(streams.current, [event], streams.version ?? 'no_stream')).revision);
            appendedAt.set(id, performance.now());
          } catch (error) {
            appendErrors++;
            onError(error, 'append');
            streams.failed();
          }
          backlog--;
        }
      };
      return {
        enqueue(id: string) {
          queue.push(id);
          pumping ??= pump().finally(() => (pumping = undefined));
        },
        done: () => pumping ?? Promise.resolve(),
      };
    });

    // Paced issue: every 10 ms, issue what is due so that the rate holds whatever the timer's drift.
    const measuredIds: string[] = [];
    const intervalMs = 1000 / settings.lagRate;
    const start = performance.now();
    const warmupEnd = settings.lagWarmupSeconds * 1000;
    const end = warmupEnd + settings.lagSeconds * 1000;
    let issued = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = Math.min(performance.now() - start, end);
        const due = Math.floor(elapsed / intervalMs);
        for (; issued < due; issued++) {
          const id = randomUUID();
          const at = start + issued * intervalMs;
          scheduledAt.set(id, at);
          if (issued * intervalMs >= warmupEnd) measuredIds.push(id);
          backlog++;
          writers[issued % writers.length]!.enqueue(id);
        }
        if (backlog > maxBacklog) maxBacklog = backlog;
        if (elapsed >= end) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 10);
      tick();
    });
    const issuedElapsed = performance.now() - start;
    await Promise.all(writers.map((w) => w.done()));

    // Wait until every measured event has been projected (or give up and count the missing).
    const drainDeadline = performance.now() + LAG_DRAIN_TIMEOUT_MS;
    while (measuredIds.some((id) => !committedAt.has(id)) && performance.now() < drainDeadline) await sleep(20);

    const lag = (to: Map<string, number>, from: Map<string, number>) =>
      measuredIds.flatMap((id) => {
        const a = from.get(id);
        const b = to.get(id);
        return a !== undefined && b !== undefined ? [b - a] : [];
      });
    const projected = measuredIds.filter((id) => committedAt.has(id)).length;
    const headPosition = await store.headPosition();
    const relayedPosition = relay.publishedPosition;
    const projectionCheckpoint = await projector.checkpoint();
    const meanBatch = batchSizes.length > 0 ? batchSizes.reduce((a, b) => a + b, 0) / batchSizes.length : 0;
    return {
      issued,
      measured: measuredIds.length,
      issueRate: (issued / issuedElapsed) * 1000,
      projected,
      missing: measuredIds.length - projected,
      duplicates,
      appendErrors,
      pipelineErrors,
      append: summarize(lag(appendedAt, sentAt)),
      toPublished: summarize(lag(publishedAt, sentAt)),
      toCommitted: summarize(lag(committedAt, sentAt)),
      fromSchedule: summarize(lag(committedAt, scheduledAt)),
      batches: batchSizes.length,
      meanBatch,
      applyBatch: summarize(batchMs),
      maxBacklog,
      readFromLog,
      headPosition,
      relayedPosition,
      projectionCheckpoint,
    };
  } finally {
    await feed?.stop().catch((error: unknown) => console.error('feed stop failed:', error));
    await relay?.stop().catch((error: unknown) => console.error('relay stop failed:', error));
    await bus.close();
    if (jsm) await jsm.streams.delete(streamName).catch((error: unknown) => console.error(`could not delete stream ${streamName}:`, error));
    await nc?.drain().catch(() => undefined);
    await database.close();
  }
}

function printLag(report: LagReport, settings: Settings, streamName: string, handler: LagHandler): void {
  const row = (label: string, s: ReturnType<typeof summarize>, note = '') =>
    `  ${label.padEnd(40)} ${ms(s.p50).padStart(7)} ${ms(s.p99).padStart(7)} ${ms(s.max).padStart(7)}${note ? `   ${note}` : ''}`;
  console.log(
    `Projection lag at ${rate(settings.lagRate)} events/s for ${settings.lagSeconds} s (after ${settings.lagWarmupSeconds} s warm-up), ` +
      `${settings.lagWriters} writers, ${handler === 'batch' ? 'set-based handleBatch' : 'one upsert per event'}; PostgresEventStore → EventRelay → JetStream ${streamName} → JetStreamProjectionFeed → Projector (InProcessChangeBus):`,
  );
  console.log(
    `  issued ${rate(report.issued)} events at ${rate(report.issueRate)}/s; measured ${rate(report.measured)}, projected ${rate(report.projected)}, ` +
      `missing ${report.missing}, duplicate notices ${report.duplicates}, append errors ${report.appendErrors}, max writer backlog ${report.maxBacklog}`,
  );
  console.log(
    `  at the end: log head position ${rate(report.headPosition)}, relayed to JetStream up to ${rate(report.relayedPosition)}, ` +
      `projection checkpoint ${rate(report.projectionCheckpoint)}`,
  );
  console.log(
    `  projector: ${rate(report.batches)} batches, mean ${report.meanBatch.toFixed(1)} events/batch, applyBatch p50 ${ms(report.applyBatch.p50)} ms, ` +
      `p99 ${ms(report.applyBatch.p99)} ms; ${rate(report.readFromLog)} events gap-filled from the log`,
  );
  console.log(`  ${''.padEnd(40)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}`);
  console.log(row('append (call → resolved)', report.append));
  console.log(row('append → relay publish acked', report.toPublished));
  const ok = report.missing === 0 && report.toCommitted.p99 < TARGET_LAG_P99_MS;
  console.log(row('append → read-model COMMIT (lag)', report.toCommitted, `target p99 < ${TARGET_LAG_P99_MS} ms   ${passOrMiss(ok)}`));
  console.log(row('scheduled → read-model COMMIT', report.fromSchedule, '(includes waiting in a writer queue)'));
  for (const error of report.pipelineErrors) console.log(`  ! ${error}`);
}

// ───────────────────────────── run ─────────────────────────────

export async function run(args: readonly string[]): Promise<void> {
  const settings = settingsFromEnv();
  if (args.includes(TRACING_FLAG)) return (await import('./engine-tracing-overhead.js')).tracingOverhead(settings);
  const id = `${Date.now().toString(36)}_${process.pid}`;
  const appendDb = `sb_bench_engine_${id}_append`;
  const lagHandlers = (process.env.BENCH_LAG_HANDLERS ?? 'batch,event').split(',') as LagHandler[];
  const lagDbs = lagHandlers.map((handler) => `sb_bench_engine_${id}_lag_${handler}`);
  const created: string[] = [];
  let failed = false;

  const { version, maxConnections, inUse } = await withAdmin(settings.adminUrl, async (client) => ({
    version: (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version,
    maxConnections: Number((await client.query<{ max_connections: string }>('SHOW max_connections')).rows[0]?.max_connections),
    inUse: Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0]?.n),
  }));
  const top = Math.max(...settings.writers);
  console.log(
    `engine benchmark — PostgreSQL ${version}, max_connections ${maxConnections} (${inUse} in use), ${settings.writers.join('/')} writers, ` +
      `${settings.seconds} s per cell in ${settings.rounds} interleaved rounds (+${settings.warmupSeconds} s warm-up each), ` +
      `${settings.dataBytes}-byte event data, ${settings.eventsPerStream} events per stream`,
  );
  if (top + inUse + 2 > maxConnections) {
    console.log(`! ${top} writers need ${top} connections but only ${maxConnections - inUse} are free: expect connection errors`);
  }

  try {
    for (const name of [appendDb, ...lagDbs]) {
      await withAdmin(settings.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
    }

    // Lag first: the append phase leaves PostgreSQL checkpointing and vacuuming for a while.
    for (const [index, handler] of lagHandlers.entries()) {
      const streamName = `BENCH_ENGINE_${id}_${handler}`;
      let streamCreated = false;
      try {
        const report = await lagBenchmark(databaseUrl(settings.adminUrl, lagDbs[index]!), settings, { streamName, subjectPrefix: `bench_engine_${id}_${handler}`, handler }, () => (streamCreated = true));
        console.log('');
        printLag(report, settings, streamName, handler);
      } catch (error) {
        failed = true;
        console.error(`projection lag run (${handler}) failed${streamCreated ? '' : ` before JetStream stream ${streamName} was created`}:`, error);
      }
    }

    // Append benchmark database: the engine's schema, a raw table and Emmett's schema, all before timing.
    const appendUrl = databaseUrl(settings.adminUrl, appendDb);
    const setup = openPostgres(appendUrl, 2);
    try {
      await migrateToLatest(untyped(setup.db), migrationsFor({ sqlEventStore: true, projections: [] }));
      await sql`
        CREATE TABLE raw_events (
          position bigserial,
          id       uuid PRIMARY KEY,
          stream   text NOT NULL,
          type     text NOT NULL,
          data     jsonb NOT NULL,
          metadata jsonb NOT NULL
        )`.execute(setup.db);
    } finally {
      await setup.close();
    }
    const emmettPool = new Pool({ connectionString: appendUrl, max: 2, types: emmettTypes });
    try {
      const emmett = emmettStoreOn(appendUrl, emmettPool);
      await emmett.schema.migrate();
      await emmett.close();
    } finally {
      await emmettPool.end();
    }

    console.log('');
    const cells = await appendBenchmark(appendUrl, settings);
    console.log('');
    printAppendTable(cells, settings);

    console.log('');
  } finally {
    await withAdmin(settings.adminUrl, async (client) => {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }).catch((error: unknown) => console.error(`could not drop ${created.join(', ')}:`, error));
  }
  if (failed) throw new Error('engine benchmark: the projection lag run failed (see above)');
}
