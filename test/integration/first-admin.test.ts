/** Several nodes starting at once with ADMIN_EMAIL create one admin between them, and all start. */
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, TestDatabase } from '../support/database';
import { startTestApp, TestApp } from '../support/app';

describe('first admin at start-up', () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.app.close();
    await database?.drop();
  });

  it('is created once when three nodes start together', async () => {
    database = await freshDatabase();
    const env = { ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD: 'first-admin-password' };
    apps.push(...(await Promise.all([1, 2, 3].map(() => startTestApp({ database, nats: false, env })))));
    const admins = await database.db.selectFrom('users').select(['role', 'email']).where('email', '=', 'first@example.com').execute();
    expect(admins).toEqual([{ role: 'admin', email: 'first@example.com' }]);
  });
});
