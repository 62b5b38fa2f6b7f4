/**
 * The standalone gateway (`npm run gateway`, the built `dist/src/cli/gateway.js`) as operators run
 * it beside an app on the same PostgreSQL and NATS: it takes sockets with the app's tokens, pushes
 * changes the app commits (two processes, one NATS), serves
 * its own health and Prometheus metrics on its port (it has no API port), and stops cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, registerUser, startTestApp, type TestApp } from '../support/app';
import { ensureBuilt } from '../support/built-cli';
import { waitUntil } from '../support/poll';
import { TEST_NATS_URL } from '../support/services';
import { connectRealtime, subscribe } from '../support/ws-client';

const GATEWAY = resolve(__dirname, '../../dist/src/cli/gateway.js');

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });

describe('standalone realtime gateway (built, PostgreSQL + NATS)', () => {
  let t: TestApp;
  let gateway: ChildProcess;
  let port: number;
  let output = '';
  const exited = () => new Promise<number | null>((done) => (gateway.exitCode !== null ? done(gateway.exitCode) : gateway.once('exit', (code) => done(code))));

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTestApp({ env: { REALTIME_ENABLED: 'false' } });
    port = await freePort();
    gateway = spawn(process.execPath, [GATEWAY], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: t.database.url,
        NATS_URL: TEST_NATS_URL,
        NATS_STREAM: t.config.NATS_STREAM,
        NATS_SUBJECT_PREFIX: t.config.NATS_SUBJECT_PREFIX,
        REALTIME_HOST: '127.0.0.1',
        REALTIME_PORT: String(port),
        LOG_LEVEL: 'error',
      },
    });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.ok === true,
      30_000,
      `the gateway on port ${port} (output: ${output})`,
    );
  }, 120_000);
  afterAll(async () => {
    if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
    await t?.close();
  });

  it("takes a socket with an app token, pushes the app process's changes to it, serves its metrics on its own port, and stops cleanly on SIGTERM", async () => {
    const user = await registerUser(t.url);
    const client = await connectRealtime(port, user.accessToken);
    // A change committed through the app process reaches this other process's socket over NATS, with its position.
    const ticket = await http(t.url, 'POST', '/api/v1/tickets', { title: 'Across processes', message: 'first' }, bearer(user.accessToken));
    expect(ticket.status).toBe(201);
    const topic = `ticket:${ticket.body.id as string}`;
    await subscribe(client, topic, { minPosition: ticket.body.position });
    const reply = await http(
      t.url,
      'POST',
      `/api/v1/tickets/${ticket.body.id as string}/messages`,
      { content: 'pushed from the other process' },
      bearer(user.accessToken),
    );
    expect(await client.next((f) => f.topic === topic && f.type === 'TicketMessagePosted')).toMatchObject({ position: reply.body.position });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^switchboard_realtime_connections(\{[^}]*\})? 1$/m);

    gateway.kill('SIGTERM');
    expect(await client.closed).toMatchObject({ code: 1001 });
    expect(await exited()).toBe(0);
  });
});
