/**
 * Customers in embedded mode (PGlite, in-process bus): the same SQL has to hold there, text
 * search and statistics included, and a role change counts at the next request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { registerUser } from '../support/app';
import { apiOf, loginAdmin } from '../support/customer-api';

const ADMIN = { email: 'embedded-admin@example.com', password: 'embedded-admin-password' };

describe('customers in embedded mode (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-customers-'));
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PORT: '0',
      REALTIME_ENABLED: 'false',
      METRICS_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, searches, batches, counts, and follows a role change', async () => {
    const admin = (await loginAdmin({ url }, ADMIN)).api;
    const user = await registerUser(url);
    const api = apiOf({ url }, user.accessToken);
    expect((await api.get('/customers')).status).toBe(403);
    expect(
      (await admin.patch('/admin/roles/user', { grant: ['customers:create', 'customers:read', 'customers:statistics', 'customers:batch-update'] })).status,
    ).toBe(200);

    const ada = await api.post('/customers', { name: 'Ada Lovelace', email: 'ada@engines.example', tags: ['vip'], address: { city: 'London' } });
    expect(ada.status).toBe(201);
    const alan = await api.post('/customers', { name: 'Alan Turing', company: 'Bletchley Park' });
    const found = await api.get(`/customers?q=engines&minPosition=${alan.body.position}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([ada.body.id]);
    expect((await api.get(`/customers/${ada.body.id}`)).body).toMatchObject({ address: { city: 'London' }, tags: ['vip'] });

    const batch = await api.patch('/customers/batch', {
      items: [
        { id: ada.body.id, status: 'blocked', addTags: ['late'] },
        { id: alan.body.id, expectedRevision: 3, status: 'inactive' },
      ],
    });
    expect(batch.body.items.map((i: { status: number }) => i.status)).toEqual([200, 412]);
    const statistics = await api.get(`/customers/statistics?minPosition=${batch.body.position}`);
    expect(statistics.body).toMatchObject({ total: 2, byStatus: { active: 1, inactive: 0, blocked: 1 } });
    expect((await api.get(`/customers?tag=late`)).body.items.map((c: { id: string }) => c.id)).toEqual([ada.body.id]);
  });
});
