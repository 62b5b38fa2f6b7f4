/** Several nodes starting at once with ADMIN_EMAIL create one admin between them, and all start. */
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, TestDatabase } from '../support/database';
import { registerUser, startTestApp, TestApp } from '../support/app';
import { capturedLogger } from '../support/captured-log';

describe('first admin at start-up', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.app.close();
    for (const database of databases) await database.drop();
  });
  const newDatabase = async () => {
    const database = await freshDatabase();
    databases.push(database);
    return database;
  };

  it('is created once when three nodes start together', async () => {
    const database = await newDatabase();
    const env = { ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD: 'first-admin-password' };
    apps.push(...(await Promise.all([1, 2, 3].map(() => startTestApp({ database, nats: false, env })))));
    const admins = await database.db.selectFrom('users').select(['role', 'email']).where('email', '=', 'first@example.com').execute();
    expect(admins).toEqual([{ role: 'admin', email: 'first@example.com' }]);
    const again = capturedLogger();
    apps.push(await startTestApp({ database, nats: false, env, log: again.log }));
    expect(again.lines.join('')).not.toContain('first admin not created');
  });

  it('leaves an existing non-admin account or a taken username alone, and says so in the log', async () => {
    const database = await newDatabase();
    const first = await startTestApp({ database, nats: false });
    apps.push(first);
    const user = await registerUser(first.url, { username: 'taken-name' });

    const emailOfUser = capturedLogger();
    apps.push(await startTestApp({ database, nats: false, env: { ADMIN_EMAIL: user.email, ADMIN_PASSWORD: 'first-admin-password' }, log: emailOfUser.log }));
    expect(emailOfUser.lines.join('')).toContain('ADMIN_EMAIL belongs to an account that is not an admin');

    const usernameTaken = capturedLogger();
    apps.push(
      await startTestApp({
        database,
        nats: false,
        env: { ADMIN_EMAIL: 'fresh@example.com', ADMIN_USERNAME: 'taken-name', ADMIN_PASSWORD: 'first-admin-password' },
        log: usernameTaken.log,
      }),
    );
    expect(usernameTaken.lines.join('')).toContain('ADMIN_USERNAME belongs to another account');

    const users = await database.db.selectFrom('users').select(['email', 'role']).execute();
    expect(users).toEqual([{ email: user.email, role: 'user' }]);
  });
});
