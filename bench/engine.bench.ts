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
 *
 * The pieces, each imported by this file and by engine-tracing-overhead.ts (which this file loads only
 * with --tracing): engine-workload.ts (settings, payloads, owned streams), engine-appends.ts (the three
 * contenders and their driver), engine-lag.ts (the projection-lag run).
 */
// First: with --tracing the SDK starts before pg loads, for the pg instrumentation to patch it.
import { TRACING_FLAG } from './engine-tracing';
import { Pool } from 'pg';
import { sql } from 'kysely';
import { openPostgres } from '../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../src/adapters/postgres/migrate';
import { contenders, drive, emmettStoreOn, emmettTypes, type Contender } from './engine-appends';
import { lagBenchmark, type LagHandler, type LagReport } from './engine-lag';
import { settingsFromEnv, type Settings } from './engine-workload';
import { databaseUrl, ms, passOrMiss, rate, summarize, untyped, withAdmin } from './support';

const TARGET_VS_RAW = 0.5;
const TARGET_VS_EMMETT = 1.5;
const TARGET_LAG_P99_MS = 100;

// ───────────────────────────── append benchmark ─────────────────────────────

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
    for (const contender of all)
      cells.set(`${writers}/${contender.name}`, { writers, contender: contender.name, count: 0, elapsedMs: 0, latencies: [], errors: 0 });
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
    if (previous !== undefined && cells[i]!.writers !== previous)
      console.log(
        widths
          .map((w) => ' '.repeat(w))
          .join(' | ')
          .trimEnd(),
      );
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
        const report = await lagBenchmark(
          databaseUrl(settings.adminUrl, lagDbs[index]!),
          settings,
          { streamName, subjectPrefix: `bench_engine_${id}_${handler}`, handler },
          () => (streamCreated = true),
        );
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
