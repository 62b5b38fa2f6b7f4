/**
 * `npm run bench -- tickets`: commands per second over HTTP (posting ticket messages), spread over
 * many tickets and all into one ticket, and the p99 of reading a ticket with 1,000 messages.
 * Runs the real app on PostgreSQL (fresh database) and NATS JetStream.
 * Settings: BENCH_DATABASE_URL, BENCH_NATS_URL, BENCH_SECONDS per phase (default 5), BENCH_CLIENTS (8).
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { ms, rate, summarize } from './support';
import { requestJson, withBenchApp } from './bench-app';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);

async function closedLoop(concurrency: number, until: () => boolean, work: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const started = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const t0 = performance.now();
        await work(n++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), ...summarize(latencies) };
}

export async function run(): Promise<void> {
  await withBenchApp('tickets', {}, async ({ id, infrastructure, api }) => {
    const call = (method: string, path: string, token: string, body?: unknown) => requestJson(api, method, path, { token, body });
    const registered = await requestJson<{ accessToken: string }>(api, 'POST', '/auth/register', {
      body: { email: `bench-${id}@example.com`, username: `bench${id}`, password: 'bench-password-long' },
    });
    const token = registered.accessToken;

    const spread = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', '/tickets', token, { title: `Spread ${i}`, message: 'first' })));
    let deadline = performance.now() + seconds * 1000;
    const many = await closedLoop(
      clients,
      () => performance.now() > deadline,
      async (i) =>
        void (await call('POST', `/tickets/${spread[i % spread.length]!.id as string}/messages`, token, { content: `message ${i} ${randomUUID()}` })),
    );

    const hot = await call('POST', '/tickets', token, { title: 'Hot ticket', message: 'first' });
    let posted = 1;
    let lastPosition = 0;
    const one = await closedLoop(
      clients,
      () => posted >= 1000,
      async () => {
        posted++;
        const result = await call('POST', `/tickets/${hot.id as string}/messages`, token, { content: `message ${posted}` });
        lastPosition = Math.max(lastPosition, result.position as number);
      },
    );

    await infrastructure.progress.waitFor('tickets', lastPosition, 60_000);
    const detail = (await call('GET', `/tickets/${hot.id as string}`, token)) as { messages: unknown[] };
    deadline = performance.now() + seconds * 1000;
    const reads = await closedLoop(
      4,
      () => performance.now() > deadline,
      async () => void (await call('GET', `/tickets/${hot.id as string}`, token)),
    );

    console.log(`tickets benchmark — PostgreSQL + NATS JetStream, ${clients} HTTP clients, ${seconds} s per timed phase`);
    console.log(`${'what'.padEnd(46)} | per sec  | p50 ms | p99 ms`);
    console.log(`${'-'.repeat(46)}-|----------|--------|-------`);
    const row = (label: string, r: { perSecond: number; p50: number; p99: number }) =>
      console.log(`${label.padEnd(46)} | ${rate(r.perSecond).padStart(8)} | ${ms(r.p50).padStart(6)} | ${ms(r.p99).padStart(6)}`);
    row('POST /tickets/:id/messages, 50 tickets', many);
    row('POST /tickets/:id/messages, one ticket to 1,000', one);
    row(`GET /tickets/:id with ${detail.messages.length} messages (4 clients)`, reads);
  });
}
