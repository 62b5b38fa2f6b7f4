/**
 * What the engine benchmarks write, shared by engine.bench.ts, engine-appends.ts, engine-lag.ts and
 * engine-tracing-overhead.ts: the settings (from the environment, listed in engine.bench.ts), event
 * payloads of a set size, and the streams each writer owns.
 */
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../src/ports/event-store.port';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

export function settingsFromEnv() {
  const writers = (process.env.BENCH_WRITERS ?? '1,8,64').split(',').map((w) => Number(w.trim()));
  if (writers.some((w) => !Number.isInteger(w) || w <= 0)) throw new Error('BENCH_WRITERS must list positive integers, e.g. 1,8,64');
  return {
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    natsUrl: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    seconds: positive('BENCH_SECONDS', 3),
    rounds: Math.round(positive('BENCH_ROUNDS', 3)),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', 0.5),
    writers,
    eventsPerStream: Math.round(positive('BENCH_STREAM_EVENTS', 10)),
    dataBytes: Math.round(positive('BENCH_DATA_BYTES', 200)),
    lagSeconds: positive('BENCH_LAG_SECONDS', 5),
    lagWarmupSeconds: positive('BENCH_LAG_WARMUP_SECONDS', 1),
    lagRate: positive('BENCH_LAG_RATE', 1000),
    lagWriters: Math.round(positive('BENCH_LAG_WRITERS', 16)),
  };
}

export type Settings = ReturnType<typeof settingsFromEnv>;

export const EVENT_TYPE = 'BenchEvent';

/** EventMetadata as a type alias, so that it is also a `Record<string, unknown>` for Emmett. */
export type BenchMetadata = { [K in keyof EventMetadata]: EventMetadata[K] };

/** Event data of exactly `bytes` bytes of JSON (a realistic-looking ticket event, padded). */
export function payloadFactory(bytes: number): () => { data: Record<string, unknown>; metadata: BenchMetadata } {
  const shape = (body: string) => ({
    ticketId: randomUUID(),
    subject: 'Printer on the third floor is out of toner again',
    priority: 'normal',
    body,
  });
  const base = JSON.stringify(shape('')).length;
  const body = 'x'.repeat(Math.max(0, bytes - base));
  return () => {
    const commandId = randomUUID();
    return {
      data: shape(body),
      metadata: { actorId: randomUUID(), commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 },
    };
  };
}

/**
 * The streams one writer owns: `eventsPerStream` events each, then a fresh one. `version` is what
 * the store answered for the last append (undefined: the stream does not exist yet). A failed
 * append also moves on to a fresh stream, so one failure cannot poison the rest of the run.
 */
export class OwnedStreams<Version> {
  private stream = 0;
  private inStream = 0;
  version: Version | undefined;

  constructor(
    private readonly prefix: string,
    private readonly eventsPerStream: number,
  ) {}

  get current(): string {
    return `${this.prefix}s${this.stream}`;
  }

  appended(version: Version): void {
    this.version = version;
    if (++this.inStream >= this.eventsPerStream) this.next();
  }

  failed(): void {
    this.next();
  }

  private next(): void {
    this.stream++;
    this.inStream = 0;
    this.version = undefined;
  }
}
