/**
 * `npm run bench -- realtime`: delivery latency from an HTTP command to the websocket frame, with
 * 1,000 subscribers on one channel, for this gateway (uWebSockets.js) and for the same fan-out
 * done with the `ws` package, side by side in one run; and messages per second delivered.
 * Both get the same change notices from the same pipeline (HTTP → command → append → relay →
 * JetStream → projector → changes); only the fan-out differs. Clients run in a worker thread.
 * Settings: BENCH_SUBSCRIBERS (1000), BENCH_MESSAGES (100 per phase), BENCH_DATABASE_URL, BENCH_NATS_URL.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, WebSocket } from 'ws';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { INFRASTRUCTURE } from '../src/adapters/infrastructure.tokens';
import type { Infrastructure } from '../src/adapters/infrastructure';
import { RealtimeGateway } from '../src/adapters/realtime/realtime-gateway';
import { databaseUrl, ms, rate, summarize, withAdmin } from './support';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const messages = Number(process.env.BENCH_MESSAGES ?? 100);
const TARGET_P99_MS = 50;
const FANOUT_NOTICES = Number(process.env.BENCH_FANOUT_NOTICES ?? 200);

function startClients(url: string, topic: string, subscribe: boolean): Promise<Worker> {
  const worker = new Worker(join(__dirname, 'realtime-clients.js'), { workerData: { url, count: subscribers, topic, subscribe } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ready?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(worker)));
  });
}

const ask = <T>(worker: Worker, message: string) => new Promise<T>((resolve) => worker.once('message', resolve).postMessage(message));

export async function run(): Promise<void> {
  const id = Date.now().toString(36);
  const name = `sb_bench_realtime_${id}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const config = loadConfig({
    DATABASE_URL: databaseUrl(adminUrl, name), NATS_URL: natsUrl, NATS_STREAM: `BENCH_RT_${id}`, NATS_SUBJECT_PREFIX: `bench_rt_${id}`,
    LOG_LEVEL: 'silent', REALTIME_PORT: '0', AUTH_RATE_LIMIT_PER_IP: '1000000', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
  });
  const app = await createApp(config);
  const infrastructure = app.get<Infrastructure>(INFRASTRUCTURE);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      return (await response.json()) as Record<string, string>;
    };
    const alice = await post('/auth/register', { email: `a${id}@example.com`, username: `a${id}`, password: 'bench-password-long' });
    const bob = await post('/auth/register', { email: `b${id}@example.com`, username: `b${id}`, password: 'bench-password-long' });
    const channel = await post('/channels', { name: 'bench', members: [bob.userId] }, alice.accessToken);
    const topic = `channel:${channel.id}`;

    // The ws fan-out: the same change notices, broadcast to every client of a plain ws server.
    infrastructure.changes.subscribe(`chat.*`, (change) => {
      if (`channel:${change.key}` !== topic) return;
      const frame = JSON.stringify({ topic, type: change.type, data: change.data, position: change.position });
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame);
    });

    const gateway = app.get(RealtimeGateway);
    const contenders: [string, Worker][] = [
      ['uWebSockets.js gateway', await startClients(`ws://127.0.0.1:${gateway.port}/realtime?access_token=${bob.accessToken}`, topic, true)],
      ['ws fan-out', await startClients(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, topic, false)],
    ];

    console.log(`realtime benchmark — ${subscribers} subscribers on one channel per contender, ${messages} messages per phase, PostgreSQL + NATS`);
    console.log(`${'contender'.padEnd(24)} | delivered | per sec  | p50 ms | p99 ms | missing`);
    console.log(`${'-'.repeat(24)}-|-----------|----------|--------|--------|--------`);
    const rows: Record<string, { perSecond: number; p99: number }> = {};
    for (const [label, worker] of contenders) {
      // One phase each, both sets of clients connected throughout so that both pay for the other's sockets alike.
      const sentAt = new Map<string, number>();
      const started = performance.now();
      for (let i = 0; i < messages; i++) {
        const key = `${label}#${i}`;
        sentAt.set(key, performance.timeOrigin + performance.now());
        await post(`/channels/${channel.id}/messages`, { content: key }, alice.accessToken);
      }
      const deadline = Date.now() + 30_000;
      const deliveries: { key: string; at: number }[] = [];
      while (deliveries.length < messages * subscribers && Date.now() < deadline) {
        deliveries.push(...(await ask<{ received: { key: string; at: number }[] }>(worker, 'report')).received);
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      const latencies = deliveries.filter((d) => sentAt.has(d.key)).map((d) => d.at - sentAt.get(d.key)!);
      const s = summarize(latencies);
      rows[label] = { perSecond: latencies.length / seconds, p99: s.p99 };
      console.log(`${label.padEnd(24)} | ${rate(latencies.length).padStart(9)} | ${rate(latencies.length / seconds).padStart(8)} | ${ms(s.p50).padStart(6)} | ${ms(s.p99).padStart(6)} | ${messages * subscribers - latencies.length}`);
    }
    const uws = rows['uWebSockets.js gateway']!;
    console.log(`uWS p99 ${ms(uws.p99)} ms from HTTP command to frame (target < ${TARGET_P99_MS} ms): ${uws.p99 < TARGET_P99_MS ? 'PASS' : 'MISS'}`);

    // Fan-out capacity: notices straight onto the change bus, as fast as the bus takes them.
    console.log('');
    console.log(`fan-out throughput: ${FANOUT_NOTICES} change notices published back to back, delivered to ${subscribers} subscribers each`);
    const throughput: Record<string, number> = {};
    for (const [label, worker] of contenders) {
      const started = performance.now();
      for (let i = 0; i < FANOUT_NOTICES; i++) {
        infrastructure.changes.publish([{ view: 'chat', key: channel.id!, type: 'ChatMessagePosted', data: { content: `${label}@fanout#${i}` }, position: 0 }]);
        if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      }
      let delivered = 0;
      const deadline = Date.now() + 60_000;
      while (delivered < FANOUT_NOTICES * subscribers && Date.now() < deadline) {
        delivered += (await ask<{ received: { key: string }[] }>(worker, 'report')).received.filter((d) => d.key.startsWith(`${label}@fanout#`)).length;
        await new Promise((r) => setTimeout(r, 20));
      }
      throughput[label] = delivered / ((performance.now() - started) / 1000);
      console.log(`  ${label.padEnd(24)} ${rate(delivered)} delivered, ${rate(throughput[label]!)} messages/s`);
    }
    const ratio = throughput['uWebSockets.js gateway']! / throughput['ws fan-out']!;
    console.log(`  uWS / ws = ${ratio.toFixed(2)}x (target >= 3x): ${ratio >= 3 ? 'PASS' : 'MISS'} — both measured with the clients in one worker thread, which may be the bottleneck for both`);
    for (const [, worker] of contenders) {
      await ask(worker, 'close');
      await worker.terminate();
    }
  } finally {
    await new Promise((r) => wss.close(r));
    await infrastructure.stopPipeline();
    await infrastructure.nats?.jsm.streams.delete(config.NATS_STREAM).catch(() => undefined);
    await app.close();
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}
