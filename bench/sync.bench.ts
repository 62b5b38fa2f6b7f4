/**
 * `npm run bench -- sync`: the WatermelonDB sync pull over HTTP for a user with 10,000 tasks — the
 * first sync (lastPulledAt null: every record) and an incremental pull of 100 changed tasks — and
 * the push of those 100 changes. Runs the real app on PostgreSQL (fresh database) and NATS
 * JetStream; the tasks are seeded through the push endpoint (the command path), 1,000 a push.
 * Settings: BENCH_DATABASE_URL, BENCH_NATS_URL, BENCH_TASKS (10,000), BENCH_CHANGED (100), BENCH_RUNS (30).
 */
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { ms, rate, summarize } from './support';
import { request, withBenchApp } from './bench-app';

const taskCount = Number(process.env.BENCH_TASKS ?? 10_000);
const changedCount = Number(process.env.BENCH_CHANGED ?? 100);
const runs = Number(process.env.BENCH_RUNS ?? 30);
const TASKS_PER_PUSH = 1_000;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const wmId = () => Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

interface Pulled {
  changes: Record<string, { created: unknown[]; updated: unknown[]; deleted: string[] }>;
  timestamp: number;
}

export async function run(): Promise<void> {
  await withBenchApp('sync', { env: { READ_YOUR_WRITES_TIMEOUT_MS: '60000' } }, async ({ id, api }) => {
    const call = async <T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ json: T; bytes: number }> => {
      const text = await request(api, method, path, { token, body });
      return { json: JSON.parse(text) as T, bytes: text.length };
    };
    const credentials = { email: `bench-${id}@example.com`, username: `bench${id}`, password: 'bench-password-long' };
    const phone = (await call<{ accessToken: string }>('POST', '/auth/register', undefined, credentials)).json.accessToken;
    const tablet = (await call<{ accessToken: string }>('POST', '/auth/login', undefined, { login: credentials.email, password: credentials.password })).json
      .accessToken;
    const pull = (token: string, lastPulledAt: number | null) => call<Pulled>('GET', `/sync?lastPulledAt=${lastPulledAt}`, token);
    const push = (token: string, lastPulledAt: number, changes: unknown) =>
      call<{ position: number }>('POST', `/sync?lastPulledAt=${lastPulledAt}`, token, { changes });
    const task = (taskId: string, projectId: string, title: string) => ({
      id: taskId,
      title,
      description: 'seeded by the sync benchmark',
      is_completed: false,
      project_id: projectId,
    });

    // Seed: a project and its thousand tasks per push, through the command path.
    const taskIds: string[] = [];
    const seedStarted = performance.now();
    for (let seeded = 0; seeded < taskCount; seeded += TASKS_PER_PUSH) {
      const projectId = wmId();
      const tasks = Array.from({ length: Math.min(TASKS_PER_PUSH, taskCount - seeded) }, (_, i) => task(wmId(), projectId, `task ${seeded + i}`));
      taskIds.push(...tasks.map((t) => t.id));
      await push(phone, (await pull(phone, null)).json.timestamp, {
        projects: { created: [{ id: projectId, name: `project ${seeded / TASKS_PER_PUSH}`, description: '' }] },
        tasks: { created: tasks },
      });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const timed = async <T>(times: number, work: () => Promise<T>) => {
      const latencies: number[] = [];
      let last: T | undefined;
      for (let i = 0; i < times; i++) {
        const started = performance.now();
        last = await work();
        latencies.push(performance.now() - started);
      }
      return { ...summarize(latencies), last: last! };
    };

    await pull(tablet, null); // warm up
    const first = await timed(runs, () => pull(tablet, null));
    const firstCount = first.last.json.changes.tasks!.created.length;
    if (firstCount !== taskCount) throw new Error(`first sync answered ${firstCount} tasks, not ${taskCount}`);

    // Incremental: the phone changes 100 tasks; the tablet pulls what changed since its last pull.
    const pick = (n: number) => {
      const picked = new Set<string>();
      while (picked.size < Math.min(n, taskIds.length)) picked.add(taskIds[randomInt(taskIds.length)]!);
      return [...picked];
    };
    const pushLatencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const lastPulledAt = (await pull(phone, first.last.json.timestamp)).json.timestamp;
      const updated = pick(changedCount).map((taskId) => ({ id: taskId, title: `edited in run ${i}` }));
      const started = performance.now();
      await push(phone, lastPulledAt, { tasks: { updated } });
      pushLatencies.push(performance.now() - started);
    }
    const pushes = summarize(pushLatencies);
    const since = (await pull(tablet, null)).json.timestamp;
    const changedIds = pick(changedCount);
    await push(phone, (await pull(phone, since)).json.timestamp, {
      tasks: { updated: changedIds.map((taskId) => ({ id: taskId, title: 'edited once more', is_completed: true })) },
    });
    const incremental = await timed(runs, () => pull(tablet, since));
    const incrementalCount = incremental.last.json.changes.tasks!.updated.length;
    if (incrementalCount !== changedIds.length) throw new Error(`incremental pull answered ${incrementalCount} tasks, not ${changedIds.length}`);

    console.log(`sync benchmark — PostgreSQL + NATS JetStream, one user with ${rate(taskCount)} tasks, ${runs} runs each, one client at a time`);
    console.log(
      `seeded ${rate(taskCount)} tasks in ${Math.ceil(taskCount / TASKS_PER_PUSH)} pushes: ${seedSeconds.toFixed(1)} s (${rate(taskCount / seedSeconds)} tasks/s, projection included)`,
    );
    console.log(`${'what'.padEnd(52)} | p50 ms | p99 ms | max ms | answer`);
    console.log(`${'-'.repeat(52)}-|--------|--------|--------|-------`);
    const row = (label: string, r: { p50: number; p99: number; max: number }, answer: string) =>
      console.log(`${label.padEnd(52)} | ${ms(r.p50).padStart(6)} | ${ms(r.p99).padStart(6)} | ${ms(r.max).padStart(6)} | ${answer}`);
    row(`first sync: GET /sync?lastPulledAt=null`, first, `${rate(firstCount)} tasks, ${(first.last.bytes / 1024 / 1024).toFixed(1)} MiB`);
    row(
      `incremental pull: ${changedIds.length} changed tasks`,
      incremental,
      `${rate(incrementalCount)} tasks, ${(incremental.last.bytes / 1024).toFixed(0)} KiB`,
    );
    row(`push of ${changedCount} task updates (answered once projected)`, pushes, '200');
  });
}
