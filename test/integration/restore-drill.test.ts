/**
 * The restore drill of infra/README.md, step by step and with its commands (the built CLI), against
 * the local PostgreSQL: populate through commands, check every projection is caught up and snapshot
 * every read-model table, stop the app, drop every read model (tables, migrations, checkpoints),
 * migrate, rebuild --all, and find every projection live at the head and every table equal to the
 * snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { allProjections } from '../../src/projections/all-projections';
import type { ReadModelDb } from '../../src/projections/runtime/projection';
import { bearer, deleteStream, http, registerUser, startTestApp, TestApp } from '../support/app';
import { ensureBuilt, runBuiltCli } from '../support/built-cli';
import { waitUntil } from '../support/poll';

const ADMIN = { email: 'restore-admin@example.com', password: 'the-restore-admin-password' };
const READ_MODEL_TABLES = allProjections.flatMap((p) => p.tables);
/** The drill as infra/README.md writes it down: every command this test runs is named there. */
const DRILL_README = readFileSync(resolve(__dirname, '../../infra/README.md'), 'utf8').split('### Restore drill')[1] ?? '';

/** Every row of every read-model table, in a stable order. */
async function snapshot(db: ReadModelDb): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
    tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

const tableExists = async (db: ReadModelDb, table: string) =>
  (await sql<{ found: string | null }>`SELECT to_regclass(${table})::text AS found`.execute(db)).rows[0]!.found !== null;
const logHead = async (db: ReadModelDb) => Number((await sql<{ max: number }>`SELECT max(position) AS max FROM events`.execute(db)).rows[0]!.max);

describe('restore drill: drop every read model, rebuild from the log, compare (PostgreSQL)', { timeout: 120_000 }, () => {
  let t: TestApp;
  let stopped = false;

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  }, 240_000);
  afterAll(async () => {
    if (!stopped) await t?.app.close();
    await deleteStream(t.config.NATS_STREAM);
    await t?.database.drop();
  });

  async function populate(): Promise<void> {
    const admin = (await http(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password })).body as {
      accessToken: string;
      userId: string;
    };
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const as = (token: string) => (method: string, path: string, body?: unknown) => http(t.url, method, `/api/v1${path}`, body, bearer(token));
    const [a, b, root] = [as(alice.accessToken), as(bob.accessToken), as(admin.accessToken)];
    const expectOk = (response: { status: number; body: unknown }) => expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

    for (const title of ['Printer on fire', 'VPN drops every hour']) {
      const ticket = await a('POST', '/tickets', { title, message: `${title}: please help`, priority: 'high' });
      expectOk(ticket);
      const id = ticket.body.id as string;
      expectOk(await root('POST', `/tickets/${id}/messages`, { content: 'Looking into it.' }));
      expectOk(await root('POST', `/tickets/${id}/status`, { status: 'in_progress' }));
      expectOk(await root('POST', `/tickets/${id}/tags`, { add: ['hardware', 'urgent-ish'] }));
      expectOk(await root('POST', `/tickets/${id}/assignee`, { assigneeId: admin.userId }));
      expectOk(await root('POST', `/tickets/${id}/priority`, { priority: 'urgent' }));
      const reply = await a('POST', `/tickets/${id}/messages`, { content: 'Thanks!' });
      expectOk(reply);
      expectOk(await root('POST', `/tickets/${id}/read`, { upToMessageId: reply.body.messageId }));
    }
    const channel = await a('POST', '/channels', { name: 'general', topic: 'Anything goes', members: [bob.userId] });
    expectOk(channel);
    expectOk(await b('POST', `/channels/${channel.body.id}/invitation/accept`));
    const first = await a('POST', `/channels/${channel.body.id}/messages`, { content: 'helo' });
    expectOk(first);
    expectOk(await a('PATCH', `/messages/${first.body.id}`, { content: 'hello' }));
    expectOk(await b('POST', `/channels/${channel.body.id}/messages`, { content: 'hi', replyTo: first.body.id }));
    const doomed = await a('POST', `/channels/${channel.body.id}/messages`, { content: 'oops' });
    expectOk(doomed);
    expectOk(await a('DELETE', `/messages/${doomed.body.id}`));
    const dm = await a('POST', '/channels', { type: 'dm', name: 'alice-bob', members: [bob.userId] });
    expectOk(dm);
    expectOk(await b('POST', `/channels/${dm.body.id}/invitation/accept`));
    expectOk(await root('PUT', `/admin/users/${bob.userId}/role`, { role: 'auditor' }));
  }

  it('yields read models equal to the ones lost', async () => {
    await populate();
    const { db } = t.database;
    await waitUntil(
      async () => {
        const head = await logHead(db);
        const checkpoints = await db.selectFrom('projection_checkpoints').select(['name', 'position']).execute();
        return allProjections.every((p) => checkpoints.some((c) => c.name === p.name && c.position === head));
      },
      15_000,
      'every projection at the head',
    );

    const cli = async (command: string) => {
      expect(DRILL_README, 'infra/README.md names this step').toContain(`\`npm run cli -- ${command}\``);
      const run = await runBuiltCli(command.split(' '), { DATABASE_URL: t.database.url });
      expect(run.code, `${command}: ${run.stderr}`).toBe(0);
      return run.stdout;
    };
    const everyProjectionLiveAtTheHead = async () => {
      const status = await cli('projections status');
      for (const { name } of allProjections) expect(status).toMatch(new RegExp(`^${name}\\s+live\\s+${await logHead(db)}\\s+0\\s`, 'm'));
    };

    // 1. Every projection live and caught up; note what the read models hold.
    await everyProjectionLiveAtTheHead();
    const before = await snapshot(db);
    for (const table of ['users', 'tickets', 'ticket_messages', 'ticket_reads', 'channels', 'channel_members', 'chat_messages'])
      expect(before[table]?.length, table).toBeGreaterThan(0);
    // 2. Stop the app.
    await t.app.close();
    stopped = true;
    // 3. Lose the read models: tables, migrations, checkpoints, parked events.
    expect(await cli('projections drop --all --yes')).toContain('dropped');
    for (const table of READ_MODEL_TABLES) expect(await tableExists(db, table), table).toBe(false);
    expect(await db.selectFrom('projection_checkpoints').select(['name', 'position', 'status']).execute()).toEqual(
      expect.arrayContaining(allProjections.map((p) => ({ name: p.name, position: 0, status: 'rebuilding' }))),
    );
    // 4. The tables again, empty.
    await cli('migrate');
    for (const table of READ_MODEL_TABLES) expect(await tableExists(db, table), table).toBe(true);
    // 5. Rebuild every projection from the log.
    const rebuilt = await cli('projections rebuild --all');
    for (const { name } of allProjections) expect(rebuilt).toMatch(new RegExp(`^${name} \\[#{30}\\] 100\\.0%`, 'm'));
    // 6. Every projection live at the head, holding what step 1 noted.
    await everyProjectionLiveAtTheHead();
    expect(await snapshot(db)).toEqual(before);
  });
});
