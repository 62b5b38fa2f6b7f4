/**
 * `npm run bench -- realtime`: delivery latency from an HTTP command to the websocket frame, with
 * 1,000 subscribers on one channel, for this gateway (uWebSockets.js) and for the same fan-out
 * done with the `ws` package, side by side in one run; and messages per second delivered.
 *
 * Both contenders get the same change notices from the same pipeline (HTTP → command → append →
 * relay → JetStream → projector → NATS `changes.>`); only the fan-out differs. Rounds alternate
 * the contenders, and only the measured contender's clients are connected during its phase.
 * Two more rows show where the time goes: "command answered" (the HTTP answer) and "pipeline"
 * (the change notice reaching the fan-out), so what the fan-out itself adds is visible.
 * Settings: BENCH_SUBSCRIBERS (1000), BENCH_MESSAGES (100 per phase), BENCH_INTERVAL_MS (100), BENCH_ROUNDS (3),
 * BENCH_FANOUT_NOTICES (200), BENCH_CLIENT_THREADS (2), BENCH_DATABASE_URL, BENCH_NATS_URL.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, WebSocket } from 'ws';
import { RealtimeGateway, REALTIME_PATH } from '../src/adapters/realtime/realtime-gateway';
import type { Arrival } from './realtime-clients';
import { ms, passOrMiss, rate, summarize } from './support';
import { requestJson, withBenchApp } from './bench-app';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const messages = Number(process.env.BENCH_MESSAGES ?? 100);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const fanoutNotices = Number(process.env.BENCH_FANOUT_NOTICES ?? 200);
const clientThreads = Number(process.env.BENCH_CLIENT_THREADS ?? 2);
/** Messages are sent at this pace, as people chat, rather than back to back. */
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 100);
const TARGET_P99_MS = 50;
const TARGET_RATIO = 3;

const now = () => performance.timeOrigin + performance.now();
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Latency arrivals, and per throughput tag how many arrived since the last report and when the last did. */
interface Report {
  arrivals: Arrival[];
  counts: Record<string, { n: number; last: number }>;
}

/** The subscribers of one phase, spread over a few worker threads. */
class Clients {
  private constructor(private readonly workers: Worker[]) {}

  static async open(target: { port: number; path: string; subscribe?: string }): Promise<Clients> {
    const workers = Array.from({ length: clientThreads }, (_, i) => {
      const count = Math.floor(subscribers / clientThreads) + (i < subscribers % clientThreads ? 1 : 0);
      return new Worker(join(__dirname, 'realtime-clients.js'), { workerData: { host: '127.0.0.1', ...target, count } });
    });
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', (m: { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve()));
            worker.once('error', reject);
          }),
      ),
    );
    return new Clients(workers);
  }

  async report(): Promise<Report> {
    const reports = await Promise.all(this.workers.map((worker) => ask<Report>(worker, 'report')));
    const counts: Report['counts'] = {};
    for (const report of reports) {
      for (const [key, { n, last }] of Object.entries(report.counts))
        counts[key] = { n: (counts[key]?.n ?? 0) + n, last: Math.max(counts[key]?.last ?? 0, last) };
    }
    return { arrivals: reports.flatMap((report) => report.arrivals), counts };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        await ask(worker, 'close');
        await worker.terminate();
      }),
    );
  }
}

const ask = <T>(worker: Worker, message: string) => new Promise<T>((resolve) => worker.once('message', resolve).postMessage(message));

interface Contender {
  label: string;
  connect(): Promise<Clients>;
}

export async function run(): Promise<void> {
  await withBenchApp('realtime', { env: { REALTIME_PORT: '0' } }, async ({ id, app, config, infrastructure, api }) => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    try {
      const post = (path: string, body: unknown, token?: string) => requestJson<Record<string, string>>(api, 'POST', path, { body, token });
      const alice = await post('/auth/register', { email: `a${id}@example.com`, username: `a${id}`, password: 'bench-password-long' });
      const bob = await post('/auth/register', { email: `b${id}@example.com`, username: `b${id}`, password: 'bench-password-long' });
      const channel = await post('/channels', { name: 'bench', members: [bob.userId] }, alice.accessToken);
      const topic = `channel:${channel.id}`;

      // Where the event leaves the relay, and where its change notice reaches the fan-out.
      const relayed = new Map<string, number>();
      infrastructure.nats!.nc.subscribe(`${config.NATS_SUBJECT_PREFIX}.message.>`, {
        callback: (_error, message) => {
          const content = message.json<{ data?: { content?: unknown } }>().data?.content;
          if (typeof content === 'string') relayed.set(content, now());
        },
      });
      const noticed = new Map<string, number>();
      // The ws contender: the same notices, broadcast to every client of a plain ws server, which
      // drops a client that does not read (as the gateway does) rather than buffer without bound.
      infrastructure.changes.subscribe('chat.*', (change) => {
        const content = (change.data as { content?: unknown } | undefined)?.content;
        if (typeof content === 'string' && !content.includes('@')) noticed.set(content, now());
        if (`channel:${change.key}` !== topic || wss.clients.size === 0) return;
        const frame = JSON.stringify({ topic, type: change.type, data: change.data, position: change.position });
        for (const client of wss.clients) {
          if (client.bufferedAmount > config.REALTIME_MAX_BACKPRESSURE_BYTES) client.terminate();
          else if (client.readyState === WebSocket.OPEN) client.send(frame);
        }
      });

      const gateway = app.get(RealtimeGateway);
      const contenders: Contender[] = [
        {
          label: 'uWebSockets.js gateway',
          connect: () =>
            Clients.open({
              port: gateway.port,
              path: `${REALTIME_PATH}?access_token=${bob.accessToken}`,
              subscribe: JSON.stringify({ op: 'subscribe', topic }),
            }),
        },
        { label: 'ws fan-out', connect: () => Clients.open({ port: (wss.address() as AddressInfo).port, path: '/' }) },
      ];

      const latencies = new Map<string, number[]>([
        ['command answered', []],
        ['relayed to JetStream', []],
        ['pipeline', []],
        ...contenders.map((c): [string, number[]] => [c.label, []]),
      ]);
      const missing = new Map<string, number>();
      const throughput = new Map<string, number[]>(contenders.map((c) => [c.label, []]));

      for (let round = 0; round < rounds; round++) {
        for (const contender of round % 2 === 0 ? contenders : [...contenders].reverse()) {
          const clients = await contender.connect();
          console.error(`round ${round + 1}/${rounds}: ${contender.label}, ${subscribers} clients connected`);
          try {
            // Latency: one message every intervalMs, as a chat is used; the latency is each message's own.
            const sentAt = new Map<string, number>();
            for (let i = 0; i < messages; i++) {
              if (i > 0) await pause(Math.max(0, intervalMs - (now() - sentAt.get(`r${round}-${contender.label}#${i - 1}`)!)));
              const key = `r${round}-${contender.label}#${i}`;
              const sent = now();
              sentAt.set(key, sent);
              await post(`/channels/${channel.id}/messages`, { content: key }, alice.accessToken);
              latencies.get('command answered')!.push(now() - sent);
            }
            const arrivals: Arrival[] = [];
            const deadline = Date.now() + 30_000;
            while (arrivals.length < messages * subscribers && Date.now() < deadline) {
              arrivals.push(...(await clients.report()).arrivals);
              await pause(50);
            }
            for (const { key, at } of arrivals) latencies.get(contender.label)!.push(at - sentAt.get(key)!);
            for (const [key, at] of sentAt) {
              if (relayed.has(key)) latencies.get('relayed to JetStream')!.push(relayed.get(key)! - at);
              if (noticed.has(key)) latencies.get('pipeline')!.push(noticed.get(key)! - at);
            }
            missing.set(contender.label, (missing.get(contender.label) ?? 0) + messages * subscribers - arrivals.length);

            // Throughput: notices straight onto the change bus, back to back, as fast as it takes them.
            const tag = `r${round}-${contender.label}`;
            const started = now();
            for (let i = 0; i < fanoutNotices; i++) {
              infrastructure.changes.publish([{ view: 'chat', key: channel.id!, type: 'ChatMessagePosted', data: { content: `${tag}@${i}` }, position: 0 }]);
              if (i % 20 === 19) await new Promise((r) => setImmediate(r));
            }
            // Reports count what arrived since the previous one; the rate runs to the last arrival, not to the poll that saw it.
            let delivered = 0;
            let lastArrival = started;
            const until = Date.now() + 60_000;
            while (delivered < fanoutNotices * subscribers && Date.now() < until) {
              const count = (await clients.report()).counts[tag];
              if (count) {
                delivered += count.n;
                lastArrival = Math.max(lastArrival, count.last);
              }
              await pause(10);
            }
            if (delivered !== fanoutNotices * subscribers)
              console.error(`${contender.label}: ${fanoutNotices * subscribers - delivered} of ${fanoutNotices * subscribers} throughput frames never arrived`);
            throughput.get(contender.label)!.push(delivered / ((lastArrival - started) / 1000));
          } finally {
            await clients.close();
          }
          await pause(200);
        }
      }

      console.log(
        `realtime benchmark — ${subscribers} subscribers on one channel, ${messages} messages (one per ${intervalMs} ms) × ${rounds} rounds per contender, clients in ${clientThreads} threads, PostgreSQL + NATS`,
      );
      console.log('');
      console.log('latency from the HTTP command to the frame at the client');
      console.log(`${'contender'.padEnd(24)} | delivered | p50 ms | p99 ms | max ms | missing`);
      console.log(`${'-'.repeat(24)}-|-----------|--------|--------|--------|--------`);
      for (const [label, values] of latencies) {
        const s = summarize(values);
        const contender = missing.has(label);
        console.log(
          `${label.padEnd(24)} | ${rate(values.length).padStart(9)} | ${ms(s.p50).padStart(6)} | ${ms(s.p99).padStart(6)} | ${ms(s.max).padStart(6)} | ${contender ? rate(missing.get(label)!) : ''}`,
        );
      }
      const uwsP99 = summarize(latencies.get(contenders[0]!.label)!).p99;
      console.log(`uWS p99 ${ms(uwsP99)} ms at ${subscribers} subscribers (target < ${TARGET_P99_MS} ms): ${passOrMiss(uwsP99 < TARGET_P99_MS)}`);
      console.log('');
      console.log(
        `fan-out throughput: ${fanoutNotices} notices back to back per round, each to ${subscribers} subscribers (messages delivered per second, per round)`,
      );
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
      for (const [label, values] of throughput)
        console.log(`  ${label.padEnd(24)} median ${rate(median(values)).padStart(9)}/s   rounds: ${values.map((v) => rate(v)).join(', ')}`);
      const ratio = median(throughput.get(contenders[0]!.label)!) / median(throughput.get(contenders[1]!.label)!);
      console.log(`  uWS / ws = ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x): ${passOrMiss(ratio >= TARGET_RATIO)}`);
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
}
