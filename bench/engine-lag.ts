/**
 * The projection-lag run of the engine benchmark: the real pipeline (append → EventRelay → JetStream →
 * JetStreamProjectionFeed → Projector COMMIT) at a steady rate, on a bench-only projection; used by
 * engine.bench.ts and engine-tracing-overhead.ts.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, sql } from 'kysely';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { openPostgres, Database } from '../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../src/adapters/postgres/migrate';
import { PostgresEventStore } from '../src/adapters/eventstore/postgres-event-store';
import { EventRelay } from '../src/adapters/bus/event-relay';
import { JetStreamProjectionFeed } from '../src/adapters/bus/jetstream-projection-feed';
import { ensureEventsStream } from '../src/adapters/bus/jetstream-setup';
import { InProcessChangeBus } from '../src/adapters/bus/in-process-change-bus';
import { Projector } from '../src/projections/runtime/projector';
import { ProjectionProgress } from '../src/projections/runtime/projection-progress';
import { defineBatchProjection, defineProjection, type Projection } from '../src/projections/runtime/projection';
import { z } from 'zod';
import { firstVersion, type EventCatalog } from '../src/events/event-definition';
import { EventReader } from '../src/events/event-reader';
import type { DB } from '../src/projections/runtime/database';
import type { EventToAppend } from '../src/ports/event-store.port';
import { summarize, untyped } from './support';
import { EVENT_TYPE, OwnedStreams, payloadFactory, type Settings } from './engine-workload';

const LAG_DRAIN_TIMEOUT_MS = 15_000;
const LAG_VIEW = 'bench_lag';
const LAG_TABLE = 'bench_lag_rows';

export type LagHandler = 'batch' | 'event';

/**
 * One table, one row per stream holding the position of the stream's last event. `event`: one
 * upsert per event (the plain `handlers` form); `batch`: one set-based upsert per batch
 * (`handleBatch`). Both notify per event, after COMMIT.
 */
type BenchEvent = { type: typeof EVENT_TYPE; data: { ticketId: string; subject: string; priority: string; body: string } };

/** The bench event's catalog entry: the projector parses every event it applies, as the application's do. */
const benchEvents: EventCatalog<BenchEvent> = {
  [EVENT_TYPE]: firstVersion(z.strictObject({ ticketId: z.string(), subject: z.string(), priority: z.string(), body: z.string() })),
};

function benchProjection(kind: LagHandler): Projection {
  const upsertOne = sql`ON CONFLICT (stream) DO UPDATE SET position = excluded.position, event_id = excluded.event_id`;
  const basics = {
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
  };
  if (kind === 'event') {
    return defineProjection<BenchEvent>({
      ...basics,
      handlers: {
        [EVENT_TYPE]: async (event, { trx, notify }) => {
          await sql`
            INSERT INTO ${sql.table(LAG_TABLE)} (stream, position, event_id)
            VALUES (${event.stream}, ${event.position}, ${event.id}) ${upsertOne}`.execute(trx);
          notify({ key: event.id, type: event.type, data: {} });
        },
      },
    });
  }
  return defineBatchProjection<BenchEvent>({
    ...basics,
    handles: { [EVENT_TYPE]: true },
    async handleBatch(events, { trx, notify }) {
      const latest = new Map(events.map((e) => [e.stream, e]));
      const rows = [...latest.values()].map((e) => ({ stream: e.stream, position: e.position, event_id: e.id }));
      await sql`
        INSERT INTO ${sql.table(LAG_TABLE)} (stream, position, event_id)
        SELECT stream, position, event_id FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS r(stream text, position bigint, event_id uuid)
        ${upsertOne}`.execute(trx);
      for (const event of events) notify({ key: event.id, type: event.type, data: {}, position: event.position });
    },
  });
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
    const projector = new Projector(benchProjection(handler), database.db, bus, progress, new EventReader(benchEvents));
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
