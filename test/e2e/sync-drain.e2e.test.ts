/**
 * A sync push in flight when the node starts to shut down: the command runner's drain waits for it
 * (the push is a command like any other), and a command sent meanwhile is refused with
 * ShuttingDown, to be sent again elsewhere. The push is held right at its append by holding, from
 * another connection, the advisory lock sb_append takes for the stream.
 */
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/commands/command-runner';
import { newCommandContext } from '../../src/commands/command-context';
import { PushSyncChanges } from '../../src/commands/projects/push-sync-changes.handler';
import { ShuttingDown } from '../../src/commands/shutting-down';
import { bearer, http, registerUser, startTestApp, type TestApp } from '../support/app';
import { sleep, waitUntil } from '../support/poll';

const wmId = () => randomUUID().replace(/-/g, '').slice(0, 16);

describe('a sync push in flight at shutdown (PostgreSQL)', () => {
  let t: TestApp;
  let locker: Client;
  beforeAll(async () => {
    t = await startTestApp({ nats: false });
    locker = new Client({ connectionString: t.database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await t?.close();
  });

  const streamLock = (stream: string, verb: 'lock' | 'unlock') => locker.query(`SELECT pg_advisory_${verb}(hashtextextended($1, 0))`, [stream]);

  it('is waited for by the drain, which refuses new commands with ShuttingDown meanwhile', async () => {
    const user = await registerUser(t.url);
    const [projectId, taskId] = [wmId(), wmId()];
    const stream = `project-${projectId}`;
    await streamLock(stream, 'lock');
    const changes = {
      projects: { created: [{ id: projectId, name: 'In flight', description: '' }] },
      tasks: { created: [{ id: taskId, title: 'Land me', description: '', is_completed: false, project_id: projectId }] },
    };
    const pushing = http(t.url, 'POST', '/api/v1/sync?lastPulledAt=null', { changes }, bearer(user.accessToken));
    await waitUntil(
      async () => ((await locker.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`)).rowCount ?? 0) > 0,
      10_000,
      'the push waiting at its append for the stream lock',
    );

    let drained = false;
    const draining = t.app
      .get(CommandRunner)
      .drain()
      .then(() => (drained = true));
    const another = new PushSyncChanges(
      { projects: { saved: [{ id: wmId(), fields: { name: 'Too late' } }], deleted: [] }, tasks: { saved: [], deleted: [] } },
      null,
      {
        ...newCommandContext({ actorId: user.userId }),
        actorId: user.userId,
        sessionId: user.sessionId,
      },
    );
    await expect(t.app.get(CommandBus).execute(another)).rejects.toBeInstanceOf(ShuttingDown);
    await sleep(200); // what must not happen while the push is held: a fixed wait is the only probe
    expect(drained, 'drained while the push was held').toBe(false);
    expect(await t.infrastructure.store.readStream(stream)).toEqual([]);

    await streamLock(stream, 'unlock');
    await draining;
    // Drained only once the push had appended to both streams, at once.
    expect((await t.infrastructure.store.readStream(stream)).map((e) => e.type)).toEqual(['ProjectCreated', 'TaskAddedToProject']);
    expect((await t.infrastructure.store.readStream(`task-${taskId}`)).map((e) => e.type)).toEqual(['TaskCreated']);
    const pushed = await pushing;
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  });
});
