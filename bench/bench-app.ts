/**
 * The real app under a benchmark, and requests to it. Kept apart from support.ts so that the
 * benchmarks that never start the app (engine) never load it.
 * Settings: BENCH_DATABASE_URL (admin connection), BENCH_NATS_URL.
 */
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { INFRASTRUCTURE } from '../src/adapters/infrastructure.tokens';
import type { Infrastructure } from '../src/adapters/infrastructure';
import { databaseUrl, withAdmin } from './support';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface BenchApp {
  /** Unique to this run: it names the database and the stream, and keeps the registered users apart. */
  id: string;
  app: NestFastifyApplication;
  config: Config;
  infrastructure: Infrastructure;
  /** `http://127.0.0.1:<port>/api/v1` */
  api: string;
}

export interface BenchAppOptions {
  /** Settings over the benchmark defaults. */
  env?: Record<string, string>;
  /** false: no NATS, the app projects in process from the event store. */
  nats?: boolean;
}

/**
 * Runs `work` against the real app on a fresh PostgreSQL database `sb_bench_<name>_<id>` and (unless
 * `nats: false`) its own JetStream stream, HTTP on a free port of 127.0.0.1, with the rate limits of
 * registration and login out of the way; then stops the app and drops the stream and the database.
 */
export async function withBenchApp<T>(name: string, options: BenchAppOptions, work: (bench: BenchApp) => Promise<T>): Promise<T> {
  const id = Date.now().toString(36);
  const database = `sb_bench_${name}_${id}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
  try {
    const config = loadConfig({
      DATABASE_URL: databaseUrl(adminUrl, database),
      ...(options.nats === false ? {} : { NATS_URL: natsUrl, NATS_STREAM: `BENCH_${name.toUpperCase()}_${id}`, NATS_SUBJECT_PREFIX: `bench_${name}_${id}` }),
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_PER_IP: '1000000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
      ...options.env,
    });
    const app = await createApp(config);
    const infrastructure = app.get<Infrastructure>(INFRASTRUCTURE);
    try {
      await app.listen(0, '127.0.0.1');
      const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
      return await work({ id, app, config, infrastructure, api });
    } finally {
      await infrastructure.stopPipeline();
      await infrastructure.nats?.jsm.streams.delete(config.NATS_STREAM).catch(() => undefined);
      await app.close();
    }
  } finally {
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as a bearer token. */
  token?: string;
  headers?: Record<string, string>;
}

/** One request to the app; answers the response's text, and rejects on any status but 2xx. */
export async function request(api: string, method: string, path: string, { body, token, headers }: RequestOptions = {}): Promise<string> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text;
}

/** `request`, its answer parsed as JSON. */
export async function requestJson<T = Record<string, unknown>>(api: string, method: string, path: string, options: RequestOptions = {}): Promise<T> {
  return JSON.parse(await request(api, method, path, options)) as T;
}
