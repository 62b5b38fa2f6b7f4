/**
 * The operator CLI, built and run as a child process against a fresh PostgreSQL database: it
 * creates admins through the register command (who then log in over HTTP), replays streams and
 * `$all` as JSON lines, shows every projection, migrates, and says how it was misused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { allProjections } from '../../src/projections/all-projections';
import type { RecordedEvent } from '../../src/ports/event-store.port';
import { freshDatabase, TestDatabase } from '../support/database';
import { bearer, http, startTestApp, TestApp } from '../support/app';
import { ensureBuilt, runBuiltCli } from '../support/built-cli';
import { waitUntil } from '../support/poll';

const parseLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedEvent & { recordedAt: string });

// Each run starts a Node process that loads the app: slow on a busy machine.
describe('operator CLI (node dist/src/cli/cli.js, PostgreSQL)', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let t: TestApp | undefined;
  const cli = (args: string[], env: Record<string, string> = {}, input?: string) => runBuiltCli(args, { DATABASE_URL: database.url, ...env }, input);
  const first = { email: 'ops@example.com', password: 'the-operators-password' };
  const second = { email: 'night.shift@example.com', username: 'night-shift', password: 'read-from-stdin-password' };

  beforeAll(async () => {
    await ensureBuilt();
    database = await freshDatabase();
  }, 240_000);
  afterAll(async () => {
    if (t) await t.close();
    else await database?.drop();
  });

  it('prints its usage (exit 0 when asked, 2 on a wrong command line)', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    for (const command of ['replay', 'projections status', 'projections rebuild', 'create-admin', 'migrate']) expect(help.stdout).toContain(command);

    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command frobnicate');
    expect((await cli(['replay'])).code).toBe(2);
    expect((await cli(['replay', 'user-1', '--all'])).code).toBe(2);
    expect((await cli(['replay', '--all', '--from', 'soon'])).code).toBe(2);
    expect((await cli(['projections', 'rebuild'])).code).toBe(2);
    expect((await cli(['projections', 'drop', '--all'])).stderr).toContain('--yes');
    expect((await cli(['create-admin'])).code).toBe(2);
  });

  it('creates admins through the register command, with the password from ADMIN_PASSWORD or stdin', async () => {
    const fromEnv = await cli(['create-admin', first.email], { ADMIN_PASSWORD: first.password });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv).toMatchObject({ code: 0, stdout: expect.stringContaining(`created admin ${first.email}`) });
    const fromStdin = await cli(['create-admin', second.email, '--username', second.username], {}, `${second.password}\n`);
    expect(fromStdin).toMatchObject({ code: 0, stdout: expect.stringContaining('username night-shift') });

    const again = await cli(['create-admin', first.email], { ADMIN_PASSWORD: 'another-long-password' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists');
    const weak = await cli(['create-admin', 'weak@example.com'], { ADMIN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: at least 10 characters');
    const none = await cli(['create-admin', 'nobody@example.com'], {}, '');
    expect(none.code).toBe(2);

    t = await startTestApp({ database });
    for (const admin of [
      { login: first.email, password: first.password },
      { login: second.username, password: second.password },
    ]) {
      const login = await http(t.url, 'POST', '/api/v1/auth/login', admin);
      expect(login.status).toBe(200);
      const me = await http(t.url, 'GET', '/api/v1/auth/me', undefined, bearer(login.body.accessToken));
      expect(me.body).toMatchObject({ role: 'admin' });
    }
    const accounts = await database.db.selectFrom('users').select(['email', 'role']).orderBy('email').execute();
    expect(accounts).toEqual([
      { email: second.email, role: 'admin' },
      { email: first.email, role: 'admin' },
    ]);
  });

  it('replays a stream and $all as JSON lines, from a revision or position', async () => {
    const { id: userId } = await database.db.selectFrom('users').select('id').where('email', '=', first.email).executeTakeFirstOrThrow();
    const stream = `user-${userId}`;
    const replay = await cli(['replay', stream]);
    expect(replay.code).toBe(0);
    const events = parseLines(replay.stdout);
    expect(events[0]).toMatchObject({ stream, revision: 0, type: 'UserRegistered', data: { email: first.email, role: 'admin' } });
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(JSON.stringify(events)).not.toContain(first.password);

    const later = parseLines((await cli(['replay', stream, '--from', '1'])).stdout);
    expect(later.map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));

    const all = parseLines((await cli(['replay', '--all'])).stdout);
    const { count } = (await sql<{ count: number }>`SELECT count(*)::int AS count FROM events`.execute(database.db)).rows[0]!;
    expect(all).toHaveLength(count);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((a, b) => a - b));
    const fromThird = parseLines((await cli(['replay', '--all', '--from', String(all[2]!.position)])).stdout);
    expect(fromThird.map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));

    const missing = await cli(['replay', 'user-00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has no events');
  });

  it('shows every projection with its state, checkpoint and lag', async () => {
    const head = async () => Number((await sql<{ max: number }>`SELECT max(position) AS max FROM events`.execute(database.db)).rows[0]!.max);
    const caughtUp = async () => {
      const rows = await database.db.selectFrom('projection_checkpoints').select(['name', 'position']).execute();
      const top = await head();
      return allProjections.every((p) => rows.some((r) => r.name === p.name && r.position === top));
    };
    await waitUntil(caughtUp, 10_000, 'every projection at the head');

    for (const command of [['projections', 'status'], ['lag']]) {
      const status = await cli(command);
      expect(status.code).toBe(0);
      const lines = status.stdout.split('\n');
      expect(lines[0]).toBe(`log head: position ${await head()}`);
      expect(lines[1]).toMatch(/^PROJECTION\s+STATE\s+CHECKPOINT\s+LAG \(POSITIONS\)\s+LAG \(S\)\s+PARKED\s+LAST ERROR$/);
      for (const { name } of allProjections) {
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${name}\\s+live\\s+${await head()}\\s+0\\s+0\\.0\\s+0\\s+-$`)));
      }
    }
    const unknown = await cli(['projections', 'rebuild', 'nonesuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no projection named nonesuch');
  });

  it('migrates and says how many migrations are applied', async () => {
    const migrate = await cli(['migrate']);
    expect(migrate.code).toBe(0);
    const { count } = (await sql<{ count: number }>`SELECT count(*)::int AS count FROM kysely_migration`.execute(database.db)).rows[0]!;
    expect(migrate.stdout).toContain(`postgres: ${count} migrations applied`);
  });
});
