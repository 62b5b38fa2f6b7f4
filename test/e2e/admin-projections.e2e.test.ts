/**
 * The projection admin endpoints over HTTP: only `projections:manage` (admin) may use them; the
 * list reports every projection; a rebuild runs while the app runs, one at a time, and its
 * progress shows in the list; unknown names are 404 problems.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { allProjections } from '../../src/projections/all-projections';
import { lockProjection } from '../../src/projections/runtime/projector';
import { withRebuildLock } from '../../src/projections/runtime/rebuild-lock';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { waitUntil } from '../support/poll';

const ADMIN = { email: 'root@example.com', password: 'the-first-admin-password' };
const PATH = '/api/v1/admin/projections';

interface Status {
  name: string;
  state: string;
  checkpoint: number;
  lag: { positions: number; seconds: number };
  rebuild: { startedAt: string; finishedAt: string | null; position: number; head: number; events: number; error: string | null } | null;
}

describe('projection admin endpoints (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let user: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    admin = bearer((await http(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password })).body.accessToken);
    user = await registerUser(t.url);
  });
  afterAll(async () => t?.close());

  const list = async () => {
    const response = await http(t.url, 'GET', PATH, undefined, admin);
    expect(response.status).toBe(200);
    return response.body as { head: number; projections: Status[] };
  };
  const tickets = async () => (await list()).projections.find((p) => p.name === 'tickets')!;

  it('refuses callers without a token (401) or without projections:manage (403)', async () => {
    const anonymous = await http(t.url, 'GET', PATH);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 1001 });
    for (const [method, path] of [
      ['GET', PATH],
      ['POST', `${PATH}/tickets/rebuild`],
    ] as const) {
      const refused = await http(t.url, method, path, undefined, bearer(user.accessToken));
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 1003, detail: expect.stringContaining('projections:manage') });
    }
  });

  it("reports each projection's checkpoint, lag, state, last error and parked events", async () => {
    const opened = await http(t.url, 'POST', '/api/v1/tickets', { title: 'Printer on fire', message: 'It is.' }, bearer(user.accessToken));
    expect(opened.status).toBe(201);
    await waitUntil(
      async () => (await list()).projections.every((p) => p.checkpoint >= opened.body.position && p.lag.positions === 0),
      10_000,
      'projections caught up',
    );

    const { head, projections } = await list();
    expect(head).toBeGreaterThanOrEqual(opened.body.position);
    expect(projections.map((p) => p.name)).toEqual(allProjections.map((p) => p.name));
    for (const projection of projections) {
      expect(projection).toEqual({
        name: projection.name,
        state: 'live',
        checkpoint: head,
        lag: { positions: 0, seconds: 0 },
        lastError: null,
        failingSince: null,
        parked: { count: 0, latest: [] },
        rebuild: null,
      });
    }
    const openapi = await http(t.url, 'GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/admin/projections', '/api/v1/admin/projections/{name}/rebuild']));
  });

  it('answers 404 for an unknown projection and 400 for a malformed name', async () => {
    const unknown = await http(t.url, 'POST', `${PATH}/nonesuch/rebuild`, undefined, admin);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ code: 3001, detail: expect.stringContaining('no projection named nonesuch') });
    const malformed = await http(t.url, 'POST', `${PATH}/${encodeURIComponent('tick ets;')}/rebuild`, undefined, admin);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 2001, errors: [{ path: 'name', message: expect.any(String) }] });
  });

  it('rebuilds a projection while the app runs: 202, 409 while it runs, progress in the list, the same rows after', async () => {
    const before = await t.database.db.selectFrom('tickets').selectAll().orderBy('id').execute();
    expect(before.length).toBeGreaterThan(0);

    // Hold the projection as a live batch would: the rebuild waits to take it over.
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = t.database.db.transaction().execute(async (trx) => {
      await lockProjection(trx, 'tickets');
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await held;
    const accepted = http(t.url, 'POST', `${PATH}/tickets/rebuild`, undefined, admin);
    const waitingForLock = async () => {
      const { rows } = await sql<{ waiting: number }>`
        SELECT count(*)::int AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(t.database.db);
      return rows[0]!.waiting > 0;
    };
    await waitUntil(waitingForLock, 10_000, 'the rebuild waiting for the projection');

    const again = await http(t.url, 'POST', `${PATH}/tickets/rebuild`, undefined, admin);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 3003, rule: 'ProjectionIsRebuiltOnceAtATime' });

    release();
    await holder;
    const response = await accepted;
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ projection: 'tickets', state: 'rebuilding', rebuild: { startedAt: expect.any(String), error: null } });

    await waitUntil(async () => (await tickets()).rebuild?.finishedAt != null, 10_000, 'the rebuild finished');
    const done = await tickets();
    expect(done).toMatchObject({ state: 'live', rebuild: { error: null, events: expect.any(Number) } });
    expect(done.rebuild!.events).toBeGreaterThan(0);
    expect(done.rebuild!.position).toBe(done.rebuild!.head);
    await waitUntil(async () => (await tickets()).lag.positions === 0, 10_000, 'live again');
    expect(await t.database.db.selectFrom('tickets').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it('answers 409 while another process rebuilds the projection, and empties nothing', async () => {
    const channel = await http(t.url, 'POST', '/api/v1/channels', { name: 'kept' }, admin);
    expect(channel.status).toBe(201);
    await waitUntil(async () => (await t.database.db.selectFrom('channel_members').selectAll().execute()).length > 0, 10_000, 'the channel projected');
    const rows = await t.database.db.selectFrom('channel_members').selectAll().execute();
    // What a rebuild from the CLI on another machine holds while it runs: the rebuild lock on its own session, status `rebuilding`.
    await withRebuildLock(t.database.db, 'chat', async () => {
      await t.database.db.updateTable('projection_checkpoints').set({ status: 'rebuilding' }).where('name', '=', 'chat').execute();
      try {
        expect((await list()).projections.find((p) => p.name === 'chat')).toMatchObject({ state: 'rebuilding', rebuild: null });
        const refused = await http(t.url, 'POST', `${PATH}/chat/rebuild`, undefined, admin);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 3003, detail: expect.stringContaining('projection chat is being rebuilt already') });
        expect(await t.database.db.selectFrom('channel_members').selectAll().execute()).toEqual(rows);
        expect((await list()).projections.find((p) => p.name === 'chat')!.rebuild).toBeNull();
      } finally {
        await t.database.db.updateTable('projection_checkpoints').set({ status: 'live' }).where('name', '=', 'chat').execute();
      }
    });
  });
});
