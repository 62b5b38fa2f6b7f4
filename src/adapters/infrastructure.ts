/**
 * Opens what the configuration names, for the app, the CLI, tests and benchmarks alike:
 * - embedded: PGlite on disk for the log and the read models, projections fed in-process;
 * - PostgreSQL (+ NATS): the log in PostgreSQL, relayed to JetStream, projectors as durable consumers;
 * - full: the log in EventStoreDB/KurrentDB, the rest as above.
 * Without NATS_URL, projections are fed straight from the log and change notices stay in-process.
 */
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { Config, runModeOf, RunMode } from '../config';
import type { ChangeBus } from '../ports/change-bus.port';
import type { EventStore } from '../ports/event-store.port';
import type { Projection } from '../projections/runtime/projection';
import { Projector } from '../projections/runtime/projector';
import { ProjectionProgress } from '../projections/runtime/projection-progress';
import { EventStoreFeed } from '../projections/runtime/event-store-feed';
import { appEventCatalog } from '../events/app-event-catalog';
import { EventReader, type EventDefinitions } from '../events/event-reader';
import { CatalogedEventStore } from './eventstore/cataloged-event-store';
import { Database, openPglite, openPostgres } from './postgres/database';
import { migrateToLatest, migrationsFor } from './postgres/migrate';
import { PostgresEventStore } from './eventstore/postgres-event-store';
import { KurrentDbEventStore } from './eventstore/kurrentdb-event-store';
import { InProcessChangeBus } from './bus/in-process-change-bus';
import { NatsChangeBus } from './bus/nats-change-bus';
import { EventRelay } from './bus/event-relay';
import { JetStreamProjectionFeed } from './bus/jetstream-projection-feed';
import { ensureEventsStream } from './bus/jetstream-setup';

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export interface PipelineOptions {
  /** Run the relay in this process (default true when NATS is configured). */
  relay?: boolean;
  /** Run the projectors in this process (default true). */
  projectors?: boolean;
  /** JetStream ack wait; short in tests that simulate crashes. */
  ackWaitMs?: number;
}

export interface Infrastructure {
  config: Config;
  mode: RunMode;
  database: Database;
  /** The log as written: what the relay, the feeds and backups move. */
  store: EventStore;
  /** The log as the application reads and writes it: through the event catalog (cataloged-event-store.ts). */
  events: EventStore;
  nats?: Nats;
  changes: ChangeBus;
  progress: ProjectionProgress;
  projectors: Projector[];
  relay?: EventRelay;
  startPipeline(options?: PipelineOptions): Promise<void>;
  stopPipeline(): Promise<void>;
  /** Each configured backend, `ok` or what is wrong. */
  readiness(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

interface Feed {
  start(): Promise<void> | void;
  stop(): Promise<void>;
}

/**
 * `catalog` is every event type the log may hold (the application's; tests add their fixtures'):
 * each projection may read only types it knows.
 */
export async function openInfrastructure(
  config: Config,
  projections: readonly Projection[],
  log: Logger,
  catalog: EventDefinitions = appEventCatalog,
): Promise<Infrastructure> {
  const reader = new EventReader(catalog);
  for (const { name, handles } of projections) {
    const unknown = [...handles].filter((type) => !reader.has(type));
    if (unknown.length > 0) throw new Error(`projection ${name} reads event types the catalog does not know: ${unknown.join(', ')}`);
  }
  const mode = runModeOf(config);
  const database = config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : await openPglite(config.DATA_DIR);
  const cleanups: (() => Promise<unknown>)[] = [() => database.close()];
  try {
    const kurrent = config.EVENTSTORE_URL ? new KurrentDbEventStore(config.EVENTSTORE_URL) : undefined;
    if (kurrent) cleanups.unshift(() => kurrent.close());
    const store: EventStore = kurrent ?? new PostgresEventStore(database.db);
    const events = new CatalogedEventStore(store, reader);
    await migrateToLatest(database.db, migrationsFor({ sqlEventStore: !kurrent, projections }));

    let nats: Nats | undefined;
    if (config.NATS_URL) {
      const nc = await connect({ servers: config.NATS_URL, name: 'switchboard', maxReconnectAttempts: -1 });
      cleanups.unshift(() => nc.drain());
      nats = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
      await ensureEventsStream(nats.jsm, config.NATS_STREAM, config.NATS_SUBJECT_PREFIX);
    }
    const changes: ChangeBus = nats ? new NatsChangeBus(nats.nc, config.NATS_SUBJECT_PREFIX) : new InProcessChangeBus();
    const progress = new ProjectionProgress(database.db, config.READ_YOUR_WRITES_TIMEOUT_MS);
    const projectors = projections.map(
      (p) =>
        new Projector(p, database.db, changes, progress, reader, {
          retry: { attempts: config.PROJECTION_RETRY_ATTEMPTS, backoffMs: config.PROJECTION_RETRY_BACKOFF_MS },
          onParked: (event, error, projection) =>
            log.warn({ err: error, projection, position: event.position, eventId: event.id, type: event.type }, 'event parked after failed retries'),
        }),
    );
    const onError = (error: unknown, projection?: string) => log.error({ err: error, projection }, 'pipeline error');

    let feeds: Feed[] = [];
    let relay: EventRelay | undefined;
    const infrastructure: Infrastructure = {
      config,
      mode,
      database,
      store,
      events,
      nats,
      changes,
      progress,
      projectors,
      get relay() {
        return relay;
      },
      async startPipeline(options: PipelineOptions = {}) {
        const batchSize = config.PROJECTION_BATCH_SIZE;
        if (nats && options.relay !== false) {
          relay = new EventRelay(store, nats.js, database.db, { stream: config.NATS_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX, batchSize, onError });
          relay.start();
        }
        if (options.projectors === false) return;
        feeds = projectors.map((projector) =>
          nats
            ? new JetStreamProjectionFeed(projector, store, nats.js, nats.jsm, {
                stream: config.NATS_STREAM,
                batchSize,
                ackWaitMs: options.ackWaitMs ?? 10_000,
                onError,
              })
            : new EventStoreFeed(projector, store, { batchSize, onError }),
        );
        for (const feed of feeds) await feed.start();
      },
      async stopPipeline() {
        await Promise.all(feeds.map((feed) => feed.stop()));
        feeds = [];
        await relay?.stop();
        relay = undefined;
      },
      async readiness() {
        const checks: Record<string, Promise<unknown>> = {
          database: sql`SELECT 1`.execute(database.db),
          eventStore: store.headPosition(),
        };
        if (nats) {
          checks.nats = nats.nc.isClosed() ? Promise.reject(new Error('connection closed')) : nats.nc.flush();
          checks.jetstream = nats.jsm.streams.info(config.NATS_STREAM);
        }
        const entries = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => {
            const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref());
            try {
              await Promise.race([check, timeout]);
              return [name, 'ok'] as const;
            } catch (error) {
              return [name, error instanceof Error ? error.message : String(error)] as const;
            }
          }),
        );
        return Object.fromEntries(entries);
      },
      async close() {
        await infrastructure.stopPipeline();
        await changes.close();
        for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log.warn({ err: error }, 'close failed'));
      },
    };
    return infrastructure;
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}
