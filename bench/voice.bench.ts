/**
 * `npm run bench -- voice`: the werift SFU under load. For voice channels of 10, 25 and 50
 * participants of whom 3 speak (real WebRTC peers in a child process, joined through the
 * gateway), it reports the server process's CPU time per second of wall time (process.cpuUsage)
 * and the RTP packets it forwards per second, measured over a steady window once every listener
 * hears; and the time from `voice.join` to a listener's first inbound audio packet.
 * The app runs in this process on PostgreSQL + NATS, media on 127.0.0.1.
 * Settings: BENCH_VOICE_SIZES (10,25,50), BENCH_VOICE_SPEAKERS (3), BENCH_VOICE_WINDOW_MS (5000),
 * BENCH_LOG_LEVEL (silent: the app's log level), BENCH_DATABASE_URL, BENCH_NATS_URL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { RealtimeGateway } from '../src/adapters/realtime/realtime-gateway';
import type { ClientsReport, JoinOrder } from './voice-clients';
import { ms, rate, summarize } from './support';
import { requestJson, withBenchApp } from './bench-app';

const sizes = (process.env.BENCH_VOICE_SIZES ?? '10,25,50').split(',').map(Number);
const speakers = Number(process.env.BENCH_VOICE_SPEAKERS ?? 3);
const windowMs = Number(process.env.BENCH_VOICE_WINDOW_MS ?? 5_000);

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Sends an order to the participants' process and waits for its report. */
function order(child: ChildProcess, message: JoinOrder | { type: 'leave' }): Promise<Extract<ClientsReport, { type: 'ready' | 'left' }>> {
  return new Promise((resolve, reject) => {
    child.once('message', (report: ClientsReport) => (report.type === 'failed' ? reject(new Error(`participants failed: ${report.error}`)) : resolve(report)));
    child.send(message);
  });
}

interface Row {
  participants: number;
  cpuMsPerSecond: number;
  forwardedPerSecond: number;
  receivedPerSecond: number;
  firstPacket: ReturnType<typeof summarize>;
}

function print(row: Row): void {
  console.log(
    `${String(row.participants).padStart(12)}  ${ms(row.cpuMsPerSecond).padStart(8)}  ${(row.cpuMsPerSecond / 10).toFixed(1).padStart(9)}  ${rate(row.receivedPerSecond).padStart(14)}  ${rate(row.forwardedPerSecond).padStart(15)}  ${ms(row.firstPacket.p50)} / ${ms(row.firstPacket.max)}`,
  );
}

export async function run(): Promise<void> {
  const env = {
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    REALTIME_PORT: '0',
    // A socket per participant, and a few frames each while joining.
    REALTIME_MESSAGES_PER_SECOND: '1000',
    REALTIME_MESSAGE_BURST: '1000',
    VOICE_UDP_PORT_MIN: '23000',
    VOICE_UDP_PORT_MAX: '23999',
  };
  await withBenchApp('voice', { env }, async ({ id, app, api }) => {
    const child = fork(join(__dirname, 'voice-clients.js'), [], { stdio: 'inherit' });
    try {
      const post = (path: string, body: unknown, token?: string) => requestJson<Record<string, string>>(api, 'POST', path, { body, token });
      const most = Math.max(...sizes);
      console.log(`registering ${most} users …`);
      const users: Record<string, string>[] = [];
      for (let i = 0; i < most; i++)
        users.push(await post('/auth/register', { email: `v${i}-${id}@example.com`, username: `v${i}${id}`, password: 'bench-password-long' }));
      const gateway = app.get(RealtimeGateway);
      const voiceStats = () => gateway.stats().voice!;

      console.log(`\nwerift SFU, ${speakers} speakers, ${windowMs / 1000} s windows (server process; participants in a child process)\n`);
      console.log('participants  CPU ms/s  CPU %core  received pkt/s  forwarded pkt/s  join→first packet p50 / max (ms)');
      for (const size of sizes) {
        const members = users.slice(0, size);
        const channel = await post(
          '/channels',
          { type: 'voice', name: `bench-${size}`, members: members.slice(1).map((u) => u.userId) },
          members[0]!.accessToken,
        );
        const tokens = members.map((u) => u.accessToken!);
        const ready = await order(child, {
          type: 'join',
          port: gateway.port,
          channelId: channel.id!,
          speakers: tokens.slice(0, speakers),
          listeners: tokens.slice(speakers),
        });
        if (ready.type !== 'ready') throw new Error('the participants did not join');

        const cpu = process.cpuUsage();
        const before = voiceStats();
        const started = performance.now();
        await pause(windowMs);
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(cpu);
        const after = voiceStats();
        print({
          participants: size,
          cpuMsPerSecond: (used.user + used.system) / 1000 / seconds,
          forwardedPerSecond: (after.forwardedPackets - before.forwardedPackets) / seconds,
          receivedPerSecond: (after.receivedPackets - before.receivedPackets) / seconds,
          firstPacket: summarize(ready.firstPacketMs),
        });
        await order(child, { type: 'leave' });
        while (voiceStats().sessions > 0) await pause(50);
      }
    } finally {
      child.kill();
    }
  });
}
