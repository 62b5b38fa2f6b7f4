/**
 * The append contenders of the engine benchmark (a raw INSERT, the engine's PostgresEventStore and
 * Emmett's PostgreSQL event store) and the loop that drives their writers; used by engine.bench.ts
 * and, for the engine alone, by engine-tracing-overhead.ts.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CustomTypesConfig, Pool, types } from 'pg';
import { sql } from 'kysely';
import { getPostgreSQLEventStore, PostgresEventStore as EmmettEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST, type Event as EmmettEvent } from '@event-driven-io/emmett';
import { openPostgres } from '../src/adapters/postgres/database';
import { PostgresEventStore } from '../src/adapters/eventstore/postgres-event-store';
import type { ExpectedRevision } from '../src/ports/event-store.port';
import { EVENT_TYPE, OwnedStreams, payloadFactory, type BenchMetadata, type Settings } from './engine-workload';

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
export const emmettTypes: CustomTypesConfig = {
  getTypeParser: ((oid: TypeId, format?: TypeFormat) =>
    (format ?? 'text') === 'text' && emmettParsers?.has(oid) ? emmettParsers.get(oid) : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

export function emmettStoreOn(url: string, pool: Pool): EmmettEventStore {
  const ours = snapshotParsers();
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  emmettParsers ??= snapshotParsers();
  for (const [oid, parser] of ours) types.setTypeParser(oid, 'text', parser);
  return store;
}

// ───────────────────────────── append contenders ─────────────────────────────

export type Append = () => Promise<void>;

interface Session {
  /** Opens every connection of the pool before anything is timed. */
  connect(): Promise<void>;
  /** The `index`-th writer of this session: each call appends its next event. */
  writer(index: number): Append;
  close(): Promise<void>;
}

export interface Contender {
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
