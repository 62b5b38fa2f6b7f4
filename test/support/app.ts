/** Starts the real app (HTTP on a free port) against a fresh PostgreSQL database and NATS JetStream. */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app';
import { loadConfig, Config } from '../../src/config';
import { INFRASTRUCTURE } from '../../src/adapters/infrastructure.tokens';
import type { Infrastructure } from '../../src/adapters/infrastructure';
import type { Projection } from '../../src/projections/runtime/projection';
import type { Logger } from '../../src/adapters/logger';
import { freshDatabase, TestDatabase } from './database';
import { TEST_NATS_URL } from './services';
import { catalogWithNotes } from './notes/note.events';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: Config;
  database: TestDatabase;
  infrastructure: Infrastructure;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    modules?: Type[];
    projections?: Projection[];
    env?: Record<string, string>;
    nats?: boolean;
    database?: TestDatabase;
    log?: Logger;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    ...(options.nats === false ? {} : { NATS_URL: TEST_NATS_URL, ...testStreamConfig() }),
    LOG_LEVEL: 'silent',
    PORT: '0',
    REALTIME_PORT: '0',
    METRICS_PORT: '0',
    AUTH_RATE_LIMIT_PER_IP: '10000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '10000',
    ...options.env,
  });
  const app = await createApp(
    config,
    { modules: options.modules, projections: options.projections, events: catalogWithNotes, pipeline: { ackWaitMs: 2000 } },
    options.log,
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const infrastructure = app.get<Infrastructure>(INFRASTRUCTURE);
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    infrastructure,
    async close() {
      const jsm = infrastructure.nats?.jsm;
      await app.close();
      if (jsm && config.NATS_STREAM.startsWith('TEST_')) await deleteStream(config.NATS_STREAM);
      await database.drop();
    },
  };
}

/** Each test file gets its own JetStream stream, deleted afterwards. */
export function testStreamConfig(): { NATS_STREAM: string; NATS_SUBJECT_PREFIX: string } {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  return { NATS_STREAM: `TEST_${id}`, NATS_SUBJECT_PREFIX: `test_${id}` };
}

export async function deleteStream(name: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    await (await jetstreamManager(nc)).streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

export async function http(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, body: json as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read any field
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  userId: string;
  sessionId: string;
}

let registrations = 0;

/** Registers a fresh user over HTTP and returns its tokens (and the password it chose). */
export async function registerUser(base: string, overrides: Partial<{ email: string; username: string; password: string; displayName: string }> = {}) {
  const n = `${Date.now().toString(36)}${(registrations++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const body = { email: `u${n}@example.com`, username: `u${n}`, password: `pw-${n}-long-enough`, ...overrides };
  const response = await http(base, 'POST', '/api/v1/auth/register', body);
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...(response.body as Tokens & { user: Record<string, unknown> }), password: body.password, email: body.email, username: body.username };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
