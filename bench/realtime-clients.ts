/**
 * Worker thread of the realtime benchmark: N websocket clients on raw TCP sockets, each
 * subscribing to one topic, noting when each pushed chat message arrived (latency = arrival −
 * send). A load generator must be cheaper than the servers it measures, so frames are parsed
 * here by hand (RFC 6455 framing, no UTF-8 decoding, no JSON): with a full client library in two
 * threads, the clients saturated before either server did.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

interface Start {
  host: string;
  port: number;
  path: string;
  count: number;
  /** Sends this frame after the upgrade and waits for one frame in answer. */
  subscribe?: string;
}

export interface Arrival {
  key: string;
  at: number;
}

const { host, port, path, count, subscribe } = workerData as Start;
const CONTENT = Buffer.from('"content":"');
const QUOTE = 0x22;
const SUBSCRIBED = Buffer.from('"op":"subscribed"');

/** Arrivals tagged `#<n>` (latency keys); other keys only counted, by their part before `@`. */
const arrivals: Arrival[] = [];
/** Per tag since the last report: how many arrived, and when the last one did. */
const counts = new Map<string, { n: number; last: number }>();
const sockets: Socket[] = [];

function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, mask, body]);
}

function noteText(payload: Buffer, at: number): void {
  const start = payload.indexOf(CONTENT);
  if (start < 0) return;
  const from = start + CONTENT.length;
  const end = payload.indexOf(QUOTE, from);
  const key = payload.toString('latin1', from, end);
  const tag = key.indexOf('@');
  if (tag < 0) arrivals.push({ key, at });
  else {
    const count = counts.get(key.slice(0, tag)) ?? { n: 0, last: 0 };
    counts.set(key.slice(0, tag), { n: count.n + 1, last: at });
  }
}

/** Opens one client; resolves after the upgrade (and the subscription's answer, if any). */
function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => reject(new Error(`no websocket after 10 s (upgraded: ${upgraded})`)), 10_000);
    const done = (value: Socket) => {
      clearTimeout(timer);
      resolve(value);
    };
    let buffered: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let awaitingAnswer = subscribe !== undefined;
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      const at = performance.timeOrigin + performance.now();
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = buffered.toString('latin1', 0, buffered.indexOf('\r\n'));
        if (!status.includes(' 101 ')) return reject(new Error(`upgrade refused: ${status}`));
        upgraded = true;
        buffered = buffered.subarray(end + 4);
        if (subscribe === undefined) done(socket);
        else socket.write(clientFrame(0x1, Buffer.from(subscribe)));
      }
      let offset = 0;
      for (;;) {
        if (buffered.length - offset < 2) break;
        const opcode = buffered[offset]! & 0x0f;
        let length = buffered[offset + 1]! & 0x7f;
        let header = 2;
        if (length === 126) {
          if (buffered.length - offset < 4) break;
          length = buffered.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (buffered.length - offset < 10) break;
          length = Number(buffered.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (buffered.length - offset < header + length) break;
        const payload = buffered.subarray(offset + header, offset + header + length);
        offset += header + length;
        if (opcode === 0x9) socket.write(clientFrame(0xa, Buffer.from(payload)));
        else if (opcode === 0x1 && awaitingAnswer) {
          awaitingAnswer = false;
          // Anything but `subscribed` (an error frame) would leave a client that never receives: say so.
          if (payload.includes(SUBSCRIBED)) done(socket);
          else reject(new Error(`subscribe refused: ${payload.toString()}`));
        } else if (opcode === 0x1) noteText(payload, at);
      }
      buffered = offset === buffered.length ? Buffer.alloc(0) : buffered.subarray(offset);
    });
  });
}

async function openAll(): Promise<void> {
  // A few at a time: a thousand simultaneous upgrades only measure the accept queue.
  for (let i = 0; i < count; i += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, open))));
  }
}

parentPort!.on('message', (message: string) => {
  if (message === 'report') {
    parentPort!.postMessage({ arrivals: arrivals.splice(0), counts: Object.fromEntries(counts) });
    counts.clear();
  } else if (message === 'close') {
    for (const socket of sockets) socket.destroy();
    parentPort!.postMessage({ closed: true });
  }
});

openAll().then(
  () => parentPort!.postMessage({ ready: sockets.length }),
  (error: unknown) => parentPort!.postMessage({ error: String(error) }),
);
