/**
 * infra/ cannot be run here (no container registry), so it is checked for what can be checked:
 * the compose file and the collector's configuration parse and hang together, the app's
 * environment there passes the app's own configuration schema, the Dockerfile builds a
 * production-only, non-root image with a readiness check, and the NATS definitions equal what
 * the app creates on a real JetStream server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { loadConfig, runModeOf } from '../../src/config';
import { consumerNameOf, ensureEventsStream, ensureProjectionConsumer } from '../../src/adapters/bus/jetstream-setup';
import { deleteStream, testStreamConfig } from '../support/app';
import { TEST_NATS_URL } from '../support/services';

const ROOT = resolve(__dirname, '../..');
const INFRA = join(ROOT, 'infra');
const read = (path: string) => readFileSync(join(INFRA, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` with the given variables. */
const interpolate = (value: string, variables: Record<string, string>) =>
  value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, kind?: string, fallback?: string) => {
    if (name in variables) return variables[name]!;
    if (kind === '-') return fallback ?? '';
    throw new Error(`no value for ${name}`);
  });

describe('infra/docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const { services } = compose;

  it('runs the full mode: KurrentDB, NATS with JetStream, PostgreSQL, the app, a collector and a trace viewer', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'eventstore', 'jaeger', 'nats', 'otel-collector', 'postgres']);
    expect(services.eventstore!.image).toMatch(/kurrentdb/);
    expect(services.eventstore!.environment).toMatchObject({ KURRENTDB_INSECURE: 'true' });
    expect(services.nats!.command).toContain('-js');
    for (const name of ['eventstore', 'nats', 'postgres']) {
      expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
      expect((services.app!.depends_on as Record<string, { condition: string }>)[name]).toEqual({ condition: 'service_healthy' });
    }
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('.')) expect(existsSync(join(INFRA, source!)), source).toBe(true);
        else expect(compose.volumes).toHaveProperty(source!);
      }
    }
  });

  it('gives the app an environment its configuration accepts, pointing at the other services', () => {
    const app = services.app!;
    expect(existsSync(join(INFRA, app.build!.context, app.build!.dockerfile))).toBe(true);
    expect(resolve(INFRA, app.build!.context)).toBe(ROOT);
    const env = Object.fromEntries(Object.entries(app.environment!).map(([key, value]) => [key, interpolate(value, { JWT_SECRET: 'x'.repeat(64) })]));
    const config = loadConfig(env);
    expect(runModeOf(config)).toBe('full');
    const hostOf = (url: string) => new URL(url.replace(/^kurrentdb:/, 'http:')).hostname;
    expect(hostOf(config.EVENTSTORE_URL!)).toBe('eventstore');
    expect(hostOf(config.NATS_URL!)).toBe('nats');
    expect(hostOf(config.DATABASE_URL!)).toBe('postgres');
    const otlp = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT!);
    expect(otlp.hostname).toBe('otel-collector');
    expect(() => interpolate(app.environment!.JWT_SECRET!, {})).toThrow('no value for JWT_SECRET');

    const collector = parse(read('otel-collector.yaml')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      processors: Record<string, unknown>;
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    };
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe(`0.0.0.0:${otlp.port}`);
    const { traces } = collector.service.pipelines;
    expect(traces!.receivers).toEqual(['otlp']);
    for (const processor of traces!.processors) expect(collector.processors).toHaveProperty(processor);
    for (const exporter of traces!.exporters) expect(Object.keys(services)).toContain(collector.exporters[exporter]!.endpoint.split(':')[0]);
  });
});

describe('package-lock.json', () => {
  // `npm ci` refuses a lockfile that lacks an optional dependency some platform would install, and a
  // newcomer's `npm install` would write those entries in and leave a fresh clone dirty.
  it("records every locked package's optional dependencies, for every platform", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !lock.packages[`node_modules/${name}`] && !lock.packages[`${path}/node_modules/${name}`])
        .map((name) => `${path || '(root)'} -> ${name}`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(lock.packages)).toEqual(expect.arrayContaining(['node_modules/@swc/core-linux-x64-gnu', 'node_modules/@swc/core-darwin-arm64']));
  });

  it('is what .ci/run and the Dockerfile install, with npm ci', () => {
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm ci --no-audit --no-fund$/m);
  });
});

describe('infra/Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds with dev dependencies and runs node:20-slim with production ones only, as a non-root user', () => {
    expect(stages.map((stage) => stage.split('\n')[0])).toEqual(['node:20-slim AS build', 'node:20-slim AS runtime']);
    expect(stages[0]).toMatch(/npm ci --no-audit/);
    expect(stages[0]).toMatch(/npm run build && npm prune --omit=dev/);
    const runtime = stages[1]!;
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD ['));
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/health\/ready/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(existsSync(join(ROOT, 'src/main.ts'))).toBe(true);
  });

  it('leaves dependencies, build output and local data out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.git', '.env']) expect(ignored).toContain(entry);
  });
});

describe('infra/nats definitions against what the app creates (NATS JetStream)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const { NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix } = testStreamConfig();

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await deleteStream(stream);
    await nc?.close();
  });

  it('defines the stream the relay fills', async () => {
    const definition = JSON.parse(read('nats/events.stream.json')) as Record<string, unknown>;
    expect(definition).toMatchObject({ name: 'EVENTS', subjects: ['events.>'] });
    await ensureEventsStream(jsm, stream, prefix);
    const { config } = await jsm.streams.info(stream);
    expect(config).toMatchObject({ ...definition, name: stream, subjects: [`${prefix}.>`] });
  });

  it("defines the durable consumer of each projection, with the app's default batch size and ack wait", async () => {
    const definition = JSON.parse(read('nats/projection.consumer.json')) as Record<string, unknown>;
    const durable = consumerNameOf('tickets');
    await ensureProjectionConsumer(jsm, stream, durable, { batchSize: loadConfig({}).PROJECTION_BATCH_SIZE, ackWaitMs: 10_000 });
    const { config } = await jsm.consumers.info(stream, durable);
    expect(definition.durable_name).toBe('projection-PROJECTION');
    expect(config).toMatchObject({ ...definition, durable_name: durable });
    expect(read('nats/apply.sh')).toContain('s/projection-PROJECTION/');
  });
});
