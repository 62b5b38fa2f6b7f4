/**
 * Worker thread of the realtime benchmark: opens N websocket clients, subscribes each to a channel,
 * and reports, per pushed message, when each client received it (so latency = receive − send).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

interface Start {
  url: string;
  count: number;
  topic: string;
  subscribe: boolean;
}

const { url, count, topic, subscribe } = workerData as Start;
const received: { key: string; at: number }[] = [];
const sockets: WebSocket[] = [];

async function open(): Promise<void> {
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (raw) => {
      const at = performance.timeOrigin + performance.now();
      const frame = JSON.parse(raw.toString()) as { op?: string; type?: string; data?: { content?: string } };
      if (frame.type === 'ChatMessagePosted' && frame.data?.content) received.push({ key: frame.data.content, at });
    });
    if (subscribe) {
      socket.send(JSON.stringify({ op: 'subscribe', topic }));
      await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    }
    sockets.push(socket);
  }
}

parentPort!.on('message', (message: string) => {
  if (message === 'report') {
    parentPort!.postMessage({ received: received.splice(0) });
  } else if (message === 'close') {
    for (const socket of sockets) socket.terminate();
    parentPort!.postMessage({ closed: true });
  }
});

open().then(
  () => parentPort!.postMessage({ ready: sockets.length }),
  (error: unknown) => parentPort!.postMessage({ error: String(error) }),
);
