/**
 * `npm run bench -- customers`: seeds 100,000 customers (CustomerCreated events appended through
 * the EventStore port by many writers, then projected by the live projector; both timed), then
 * measures a 500-item PATCH /customers/batch (latency, and its idempotent replay) and the p99 of
 * list queries (first page, each filter, search, a deep cursor page) and of the statistics, after an
 * VACUUM ANALYZE of the seeded table (autovacuum's work).
 * Runs the real app on PostgreSQL (fresh database) and NATS JetStream.
 * Settings: BENCH_DATABASE_URL, BENCH_NATS_URL, BENCH_CUSTOMERS (100000), BENCH_SEED_WRITERS (32),
 * BENCH_BATCHES (10), BENCH_SECONDS per list query (5), BENCH_CLIENTS for list queries (4).
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { CUSTOMER_STATUSES, customerStream, type CustomerEvent } from '../src/domain/customers/customer.decider';
import { EVENT_SCHEMA_VERSION } from '../src/commands/command-runner';
import { mapConcurrently } from '../src/commands/map-concurrently';
import { CustomerListQuery, listCustomers } from '../src/projections/customers/customers.queries';
import { ms, rate, summarize } from './support';
import { requestJson, withBenchApp } from './bench-app';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const writers = Number(process.env.BENCH_SEED_WRITERS ?? 32);
const batches = Number(process.env.BENCH_BATCHES ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCH_ITEMS = 500;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

const FIRST = [
  'ada',
  'alan',
  'grace',
  'katherine',
  'margaret',
  'edsger',
  'barbara',
  'donald',
  'frances',
  'john',
  'radia',
  'ken',
  'dennis',
  'linus',
  'sophie',
  'tim',
];
const LAST = [
  'lovelace',
  'turing',
  'hopper',
  'johnson',
  'hamilton',
  'dijkstra',
  'liskov',
  'knuth',
  'allen',
  'backus',
  'perlman',
  'thompson',
  'ritchie',
  'torvalds',
  'wilson',
  'berners',
];
const TAGS = Array.from({ length: 30 }, (_, i) => `segment-${i}`);

/** Deterministic variety: the i-th customer's fields. */
function customerEvent(
  i: number,
  owners: readonly string[],
  now: number,
): { stream: string; type: 'CustomerCreated'; data: Extract<CustomerEvent, { type: 'CustomerCreated' }>['data'] } {
  const customerId = randomUUID();
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const status = i % 20 === 0 ? 'blocked' : i % 7 === 0 ? 'inactive' : 'active';
  const at = new Date(now - (i % 730) * 24 * 3600 * 1000 - i).toISOString(); // two years of creations
  return {
    stream: customerStream(customerId),
    type: 'CustomerCreated',
    data: {
      customerId,
      name: `${first} ${last} ${i}`,
      email: `${first}.${last}.${i}@company${i % 2000}.example`,
      phone: null,
      company: `Company ${i % 2000}`,
      address: { city: `City ${i % 300}`, country: 'Elsewhere' },
      status,
      tags: [TAGS[i % TAGS.length]!, TAGS[(i * 7) % TAGS.length]!].filter((t, k, all) => all.indexOf(t) === k),
      ownerId: owners[i % owners.length]!,
      by: owners[0]!,
      at,
    },
  };
}

async function timedLoop(work: () => Promise<void>): Promise<{ perSecond: number; p50: number; p99: number; max: number; n: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await work();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), ...summarize(latencies) };
}

export async function run(): Promise<void> {
  const env = { REALTIME_ENABLED: 'false', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
  await withBenchApp('customers', { env }, async ({ infrastructure, api }) => {
    const { accessToken: token } = await requestJson<{ accessToken: string }>(api, 'POST', '/auth/login', {
      body: { login: ADMIN.email, password: ADMIN.password },
    });
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      requestJson(api, method, path, { token, body, headers });
    const admin = (await call('GET', '/auth/me')) as { id: string };
    const owners = [admin.id];

    // Seeding: one CustomerCreated per stream, appended by `writers` concurrent writers.
    const now = Date.now();
    const appendStarted = performance.now();
    const positions = await mapConcurrently(
      Array.from({ length: customers }, (_, i) => i),
      writers,
      async (i) => {
        const { stream, type, data } = customerEvent(i, owners, now);
        const commandId = randomUUID();
        const metadata = { actorId: admin.id, commandId, correlationId: commandId, causationId: commandId, schemaVersion: EVENT_SCHEMA_VERSION };
        return (await infrastructure.store.append(stream, [{ id: randomUUID(), type, data, metadata }], 'no_stream')).position;
      },
    );
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    await infrastructure.progress.waitFor('customers', Math.max(...positions), 30 * 60_000);
    const projectedSeconds = (performance.now() - appendStarted) / 1000;
    // What autovacuum does by itself in production (it is off on the development machines): without
    // statistics the planner takes a filter for a handful of rows and sorts instead of walking an
    // index, and every search scans the GIN indexes' pending lists (up to 4 MB) of recent inserts.
    await sql`VACUUM ANALYZE customers`.execute(infrastructure.database.db);
    const ids = (await infrastructure.database.db.selectFrom('customers').select('id').execute()).map((row) => row.id);
    if (ids.length < customers) throw new Error(`only ${ids.length} customers projected`);

    // Batches: 500 distinct customers each, every item applied; then each replayed under its key.
    const batchMs: number[] = [];
    const replayMs: number[] = [];
    for (let b = 0; b < batches; b++) {
      const items = ids
        .slice(b * BATCH_ITEMS, (b + 1) * BATCH_ITEMS)
        .map((customerId, i) => ({ id: customerId, status: CUSTOMER_STATUSES[(b + i) % 3], addTags: ['bench'] }));
      const key = { 'idempotency-key': `bench-batch-${b}` };
      let t0 = performance.now();
      const result = (await call('PATCH', '/customers/batch', { items }, key)) as { succeeded: number };
      batchMs.push(performance.now() - t0);
      if (result.succeeded !== BATCH_ITEMS) throw new Error(`batch ${b}: ${result.succeeded} of ${BATCH_ITEMS} items applied`);
      t0 = performance.now();
      await call('PATCH', '/customers/batch', { items }, key);
      replayMs.push(performance.now() - t0);
    }

    // 5,000 customers in (or as deep as a smaller seed goes).
    let deepCursor = '';
    for (let page = 0; page < 50; page++) {
      const next = ((await call('GET', `/customers?limit=100${deepCursor ? `&cursor=${deepCursor}` : ''}`)) as { nextCursor: string | null }).nextCursor;
      if (!next) break;
      deepCursor = next;
    }
    const queries: [string, Omit<CustomerListQuery, 'limit'>][] = [
      ['first page (20)', {}],
      ['status=blocked', { status: 'blocked' }],
      ['tag=segment-7', { tag: 'segment-7' }],
      ['ownerId (every customer)', { ownerId: admin.id }],
      ['q=hopper (1 in 16)', { q: 'hopper' }],
      ['q=company1234 (1 in 2,000)', { q: 'company1234' }],
      ['q=grace hopper 4642 (one)', { q: 'grace hopper 4642' }],
      ['status=inactive&tag=segment-3&q=ada', { status: 'inactive', tag: 'segment-3', q: 'ada' }],
      ['a page 5,000 deep, by cursor', { cursor: deepCursor }],
    ];
    // Each over HTTP (auth, validation, JSON) and as its SQL alone, to tell the two costs apart.
    const results: [string, Awaited<ReturnType<typeof timedLoop>>, Awaited<ReturnType<typeof timedLoop>> | null][] = [];
    for (const [label, query] of queries) {
      const path = `/customers?${new URLSearchParams(query as Record<string, string>)}`;
      results.push([
        label,
        await timedLoop(async () => void (await call('GET', path))),
        await timedLoop(async () => void (await listCustomers(infrastructure.database.db, { ...query, limit: 20 }))),
      ]);
    }
    results.push(['GET /customers/statistics', await timedLoop(async () => void (await call('GET', '/customers/statistics?weeks=52'))), null]);

    const batch = summarize(batchMs);
    const replay = summarize(replayMs);
    console.log(`customers benchmark — PostgreSQL + NATS JetStream, ${rate(customers)} customers`);
    console.log(
      `seeding: ${rate(customers)} CustomerCreated appended by ${writers} writers in ${appendSeconds.toFixed(1)} s (${rate(customers / appendSeconds)}/s); projected ${projectedSeconds.toFixed(1)} s after the first append`,
    );
    console.log(
      `PATCH /customers/batch, ${BATCH_ITEMS} items, ${batches} batches: p50 ${ms(batch.p50)} ms, p99 ${ms(batch.p99)} ms, max ${ms(batch.max)} ms (${rate((BATCH_ITEMS * 1000) / batch.p50)} items/s); replayed under the same key: p50 ${ms(replay.p50)} ms, p99 ${ms(replay.p99)} ms`,
    );
    console.log(`list queries, ${clients} clients, ${seconds} s each:`);
    console.log(`${'GET /customers?…'.padEnd(40)} | per sec | p50 ms | p99 ms | SQL alone p50 | p99`);
    console.log(`${'-'.repeat(40)}-|---------|--------|--------|---------------|------`);
    for (const [label, r, sqlOnly] of results) {
      console.log(
        `${label.padEnd(40)} | ${rate(r.perSecond).padStart(7)} | ${ms(r.p50).padStart(6)} | ${ms(r.p99).padStart(6)} | ${(sqlOnly ? ms(sqlOnly.p50) : '').padStart(13)} | ${sqlOnly ? ms(sqlOnly.p99) : ''}`,
      );
    }
  });
}
