/**
 * `npm start` on a bare machine: the built app, with no services configured, starts embedded
 * (PGlite under ./data), answers /health/ready within 60 s, stops gracefully on SIGTERM, and
 * finds its data again on the next start.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/adapters/postgres/database';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { anEvent } from '../contract/event-store.contract';

const main = resolve(__dirname, '../../dist/src/main.js');
const cwd = mkdtempSync(join(tmpdir(), 'switchboard-embedded-'));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function start(port: number): Promise<{ child: ChildProcess; readyAfterMs: number }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'NATS_URL', 'EVENTSTORE_URL', 'DATA_DIR', 'NODE_ENV'].includes(key)),
  );
  const child = spawn(process.execPath, [main], { cwd, env: { ...env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] });
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) return { child, readyAfterMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('/health/ready did not answer 200 within 60 s');
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('embedded mode (npm start with nothing configured)', () => {
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('is ready within 60 s, stops gracefully, and keeps its data across restarts', async () => {
    expect(existsSync(main), `${main} is missing: npm test builds it first (npm run build)`).toBe(true);
    const port = await freePort();
    const first = await start(port);
    expect(first.readyAfterMs).toBeLessThan(60_000);
    const ready = await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json();
    expect(ready).toMatchObject({ status: 'ok', mode: 'embedded' });
    expect(await stop(first.child)).toBe(0);
    expect(existsSync(join(cwd, 'data', 'pglite.lock'))).toBe(false);

    // Between runs, write to the log the app left behind.
    const stream = `embedded-${randomUUID()}`;
    const between = await openPglite(join(cwd, 'data'));
    await new PostgresEventStore(between.db).append(stream, [anEvent('KeptAcrossRestarts')], 'no_stream');
    await between.close();

    const second = await start(port);
    expect(await stop(second.child)).toBe(0);
    const after = await openPglite(join(cwd, 'data'));
    try {
      const events = await new PostgresEventStore(after.db).readStream(stream);
      expect(events.map((e) => e.type)).toEqual(['KeptAcrossRestarts']);
    } finally {
      await after.close();
    }
  }, 150_000);
});
