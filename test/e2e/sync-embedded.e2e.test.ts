/**
 * The sync protocol in embedded mode (PGlite, in-process bus): the multi-stream append, the
 * projection's batch upserts and the snapshot pull have to hold there too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { bearer, http, registerUser } from '../support/app';

describe('WatermelonDB sync in embedded mode (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sync-'));
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', REALTIME_ENABLED: 'false', METRICS_PORT: '0' }));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pushes atomically, pulls what changed, refuses a stale push and cascades a project deletion', async () => {
    const auth = bearer((await registerUser(url)).accessToken);
    const pull = (lastPulledAt: number | null) => http(url, 'GET', `/api/v1/sync?lastPulledAt=${lastPulledAt}`, undefined, auth);
    const push = (lastPulledAt: number, changes: unknown) => http(url, 'POST', `/api/v1/sync?lastPulledAt=${lastPulledAt}`, { changes }, auth);
    const [p, t1, t2] = ['ProjectAAAAAAAAA', 'Task111111111111', 'Task222222222222'];
    const task = (id: string, title: string) => ({ id, title, description: '', is_completed: false, project_id: p });

    const first = (await pull(null)).body.timestamp as number;
    expect(
      (await push(first, { projects: { created: [{ id: p, name: 'Home', description: '' }] }, tasks: { created: [task(t1, 'Milk'), task(t2, 'Eggs')] } }))
        .status,
    ).toBe(200);
    const pulled = (await pull(null)).body;
    expect(pulled.changes.tasks.created).toHaveLength(2);

    expect((await push(pulled.timestamp, { tasks: { updated: [task(t1, 'Oat milk')] } })).status).toBe(200);
    expect((await push(pulled.timestamp, { tasks: { updated: [task(t1, 'Soy milk')] } })).status).toBe(409); // stale: t1 changed after it
    expect((await pull(pulled.timestamp)).body.changes.tasks.updated).toEqual([task(t1, 'Oat milk')]);

    const latest = (await pull(null)).body.timestamp as number;
    expect((await push(latest, { projects: { deleted: [p] } })).status).toBe(200);
    const after = (await pull(latest)).body.changes;
    expect(after.projects.deleted).toEqual([p]);
    expect([...after.tasks.deleted].sort()).toEqual([t1, t2]);
  });
});
