/**
 * `npm run bench -- auth`: logins per second and latency with the chosen argon2id parameters on
 * this machine, first as bare argon2 verifications, then as HTTP logins against the real app
 * (PostgreSQL, fresh database, in-process projections), at 1, 2, 4 and 8 concurrent clients.
 * Settings: BENCH_DATABASE_URL (admin connection), BENCH_SECONDS per cell (default 5).
 */
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/adapters/auth/argon2-password-hasher';
import { ms, rate, summarize } from './support';
import { request, withBenchApp } from './bench-app';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const USERS = 16;

async function closedLoop(concurrency: number, work: () => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await work();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies };
}

function row(label: string, concurrency: number, { perSecond, latencies }: { perSecond: number; latencies: number[] }): string {
  const s = summarize(latencies);
  return `${label.padEnd(22)} | ${String(concurrency).padStart(7)} | ${rate(perSecond).padStart(8)} | ${ms(s.p50).padStart(6)} | ${ms(s.p99).padStart(6)}`;
}

export async function run(): Promise<void> {
  await withBenchApp('auth', { nats: false }, async ({ api }) => {
    const users: { email: string; username: string; password: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const body = { email: `bench${i}@example.com`, username: `bench${i}`, password: `bench-password-${i}` };
      await request(api, 'POST', '/auth/register', { body });
      users.push(body);
    }
    const hash = await argon2.hash('bench-password', ARGON2_OPTIONS);

    console.log(
      `auth benchmark — argon2id m=${ARGON2_OPTIONS.memoryCost} KiB t=${ARGON2_OPTIONS.timeCost} p=${ARGON2_OPTIONS.parallelism}, ${seconds} s per cell, ${USERS} users`,
    );
    console.log(`${'what'.padEnd(22)} | clients | per sec  | p50 ms | p99 ms`);
    console.log(`${'-'.repeat(22)}-|---------|----------|--------|-------`);
    let n = 0;
    for (const concurrency of [1, 2, 4, 8]) {
      console.log(row('argon2 verify (bare)', concurrency, await closedLoop(concurrency, async () => void (await argon2.verify(hash, 'bench-password')))));
      console.log(
        row(
          'POST /auth/login',
          concurrency,
          await closedLoop(concurrency, async () => {
            const user = users[n++ % users.length]!;
            await request(api, 'POST', '/auth/login', { body: { login: user.username, password: user.password } });
          }),
        ),
      );
    }
    console.log(
      "A login is one argon2 verification plus a session, a UserLoggedIn event and a token; argon2 runs on libuv's thread pool, so logins per second level off near the core count divided by one verification's time.",
    );
  });
}
