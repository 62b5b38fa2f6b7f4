/**
 * Shutdown is bounded by SHUTDOWN_GRACE_MS whatever becomes of the log's reader. The built app
 * (embedded, its DATA_DIR in a temp dir) logs into a pipe (a FIFO) that is filled and never read,
 * or whose reader goes away; it is then sent SIGTERM and must exit within the grace and some slack.
 * Before the fix a full pipe blocked pino's synchronous write, and with it every timer: the process
 * stopped serving and never exited. Needs `npm run build --silent` first.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const main = resolve(__dirname, '../../dist/src/main.js');
const GRACE_MS = 2_000;
const SLACK_MS = 3_000;
const dirs: string[] = [];
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/** A FIFO and its two ends: the app writes into `write`; `read` is held open, and never read. */
function pipe(dir: string): { read: number; write: number } {
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  const read = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return { read, write: openSync(path, constants.O_WRONLY) };
}

async function startLoggingInto(stdout: number): Promise<{ child: ChildProcess; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-shutdown-'));
  dirs.push(dir);
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'NATS_URL', 'EVENTSTORE_URL', 'NODE_ENV'].includes(key)));
  const child = spawn(process.execPath, [main], {
    cwd: dir,
    env: {
      ...env,
      DATA_DIR: join(dir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      REALTIME_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'debug',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
    stdio: ['ignore', stdout, 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before it was ready`);
    if (
      await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return { child, url };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('/health/ready did not answer 200 within 60 s');
}

/** Requests whose debug log lines (headers and body) are far more than a pipe holds. */
async function flood(url: string): Promise<void> {
  const body = JSON.stringify({ login: 'x'.repeat(100_000), password: 'not-the-password' });
  for (let i = 0; i < 8; i++) {
    await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(2_000),
    }).catch(() => undefined);
  }
}

async function msToExitAfterSigterm(child: ChildProcess): Promise<number> {
  const sent = Date.now();
  const exited = new Promise<number>((done) => child.once('exit', () => done(Date.now() - sent)));
  child.kill('SIGTERM');
  const limit = new Promise<number>((done) => setTimeout(() => done(Number.POSITIVE_INFINITY), GRACE_MS + SLACK_MS + 5_000).unref());
  return Promise.race([exited, limit]);
}

describe('shutdown whatever becomes of stdout (built app, embedded)', () => {
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('exits within the grace when its stdout pipe is full and nobody reads it', async () => {
    expect(existsSync(main), `${main} is missing: run npm run build first`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-fifo-'));
    dirs.push(dir);
    const { read, write } = pipe(dir);
    const { child, url } = await startLoggingInto(write);
    closeSync(write);
    await flood(url);
    // Still serving while its log waits: logging never blocks the event loop.
    expect((await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
    expect(await msToExitAfterSigterm(child)).toBeLessThan(GRACE_MS + SLACK_MS);
    closeSync(read);
  }, 120_000);

  it('exits within the grace, and keeps serving until then, when the reader of its stdout has gone (EPIPE)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-fifo-'));
    dirs.push(dir);
    const { read, write } = pipe(dir);
    const { child, url } = await startLoggingInto(write);
    closeSync(write);
    closeSync(read);
    await flood(url);
    expect((await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
    expect(child.exitCode).toBeNull();
    expect(await msToExitAfterSigterm(child)).toBeLessThan(GRACE_MS + SLACK_MS);
  }, 120_000);
});
