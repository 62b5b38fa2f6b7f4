/**
 * The voice benchmark's participants, in a child process of their own so that their CPU is not
 * the server's: real WebRTC peers (@roamhq/wrtc) joining one voice channel through the gateway,
 * the speakers first (a sine tone each), then the listeners, each timed from `voice.join` to its
 * first inbound audio packet. Messages: {join} → {ready, firstPacketMs}; {leave} → {left}.
 */
import { performance } from 'node:perf_hooks';
import { connectRealtime, type RealtimeClient } from '../test/support/ws-client';
import { call } from '../test/support/voice-client';
import type { VoicePeer } from '../test/support/voice-peer';

export interface JoinOrder {
  type: 'join';
  port: number;
  channelId: string;
  speakers: string[];
  listeners: string[];
}

export type ClientsReport = { type: 'ready'; firstPacketMs: number[] } | { type: 'left' } | { type: 'failed'; error: string };

const HEARING_TIMEOUT_MS = 60_000;
/** Listeners joining at once: enough to fill the channel quickly, few enough not to time each other. */
const JOINING_AT_ONCE = 5;

let sockets: RealtimeClient[] = [];
let peers: VoicePeer[] = [];

const reply = (report: ClientsReport) => process.send!(report);

async function join(order: JoinOrder): Promise<number[]> {
  for (const token of order.speakers) {
    const socket = await connectRealtime(order.port, token);
    sockets.push(socket);
    peers.push((await call(socket, order.channelId, { tone: { amplitude: 8_000, frequency: 300 + 100 * peers.length } })).peer);
  }
  const firstPacketMs: number[] = [];
  const queue = [...order.listeners];
  await Promise.all(
    Array.from({ length: JOINING_AT_ONCE }, async () => {
      for (let token = queue.shift(); token !== undefined; token = queue.shift()) {
        const socket = await connectRealtime(order.port, token);
        sockets.push(socket);
        const started = performance.now();
        const { peer } = await call(socket, order.channelId, { tone: false });
        peers.push(peer);
        while ((await peer.inbound()).packetsReceived === 0) {
          if (performance.now() - started > HEARING_TIMEOUT_MS) {
            const { pc } = peer;
            throw new Error(
              `a listener heard nothing within 60 s (ice ${pc.iceConnectionState}, connection ${pc.connectionState}, signaling ${pc.signalingState}, receivers ${pc.getReceivers().length}, inbound ${JSON.stringify(await peer.inbound())})`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        firstPacketMs.push(performance.now() - started);
      }
    }),
  );
  return firstPacketMs;
}

async function leave(): Promise<void> {
  for (const peer of peers) peer.close();
  await Promise.all(sockets.map((socket) => socket.close()));
  peers = [];
  sockets = [];
}

process.on('message', (message: JoinOrder | { type: 'leave' }) => {
  const work =
    message.type === 'join'
      ? join(message).then((firstPacketMs): ClientsReport => ({ type: 'ready', firstPacketMs }))
      : leave().then((): ClientsReport => ({ type: 'left' }));
  work.then(reply, (error: unknown) => reply({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
