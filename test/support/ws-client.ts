/**
 * A promise-based websocket client for the realtime gateway: connect with an access token (query
 * or Sec-WebSocket-Protocol), send frames, and wait for a frame matching a predicate with a
 * timeout. Every received frame is kept, so a frame that arrived before the wait began still
 * counts: no race, no fixed sleep.
 */
import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read any field of a frame
export type Frame = Record<string, any>;

export interface Closed {
  code: number;
  reason: string;
}

export interface RealtimeClient {
  socket: WebSocket;
  /** Every frame received so far, in order. */
  frames: Frame[];
  send(frame: unknown): void;
  sendRaw(data: string | Buffer): void;
  /** The first frame matching `predicate` not returned by an earlier `next`. */
  next(predicate: (frame: Frame) => boolean, timeoutMs?: number, what?: string): Promise<Frame>;
  /** Sends a frame and waits for the answer matching `predicate`. */
  request(frame: unknown, predicate: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Settles when the server (or we) closed the socket. */
  closed: Promise<Closed>;
  close(): Promise<Closed>;
}

export function realtimeUrl(port: number, token?: string): string {
  return `ws://127.0.0.1:${port}/realtime${token ? `?access_token=${encodeURIComponent(token)}` : ''}`;
}

export async function connectRealtime(
  port: number,
  token: string,
  options: { via?: 'query' | 'protocol'; protocols?: string[] } = {},
): Promise<RealtimeClient> {
  const viaProtocol = options.via === 'protocol';
  const socket = new WebSocket(realtimeUrl(port, viaProtocol ? undefined : token), viaProtocol ? [...(options.protocols ?? []), token] : options.protocols);
  const frames: Frame[] = [];
  const taken = new Set<number>();
  const listeners = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const listener of [...listeners]) listener();
  });
  // Errors after the handshake (a reset when the server drops us) surface as the close; without a listener they would crash the run.
  socket.on('error', () => undefined);
  const closed = new Promise<Closed>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  closed.then(() => [...listeners].forEach((listener) => listener()));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
  });

  const next = (predicate: (frame: Frame) => boolean, timeoutMs = 5_000, what = 'a matching frame') =>
    new Promise<Frame>((resolve, reject) => {
      const check = () => {
        const index = frames.findIndex((frame, i) => !taken.has(i) && predicate(frame));
        if (index >= 0) {
          taken.add(index);
          done();
          resolve(frames[index]!);
        } else if (socket.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed while waiting for ${what}; received ${JSON.stringify(frames)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} did not arrive within ${timeoutMs} ms; received ${JSON.stringify(frames)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const client: RealtimeClient = {
    socket,
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (data) => socket.send(data),
    next,
    request(frame, predicate, timeoutMs) {
      client.send(frame);
      return next(predicate, timeoutMs, `the answer to ${JSON.stringify(frame)}`);
    },
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      return closed;
    },
  };
  return client;
}

/** Attempts an upgrade expected to be refused; resolves with the HTTP status, or fails if a socket opened. */
export function refusedUpgrade(url: string, protocols?: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('error', (error) => reject(error));
  });
}

/** A subscribe that is expected to succeed. */
export async function subscribe(client: RealtimeClient, topic: string, extra: Record<string, unknown> = {}): Promise<void> {
  const answer = await client.request({ op: 'subscribe', topic, ...extra }, (f) => f.topic === topic && (f.op === 'subscribed' || f.op === 'error'));
  if (answer.op !== 'subscribed') throw new Error(`subscribe to ${topic} refused: ${JSON.stringify(answer)}`);
}
