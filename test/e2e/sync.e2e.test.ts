/**
 * The WatermelonDB sync protocol over HTTP on PostgreSQL + NATS JetStream, one test per rule of
 * the backend documentation (and of the issue): pull, push, conflicts, migrations, ownership.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjection } from '../../src/projections/runtime/rebuild';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** An id as WatermelonDB generates them. */
const wmId = () => Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

type Raw = Record<string, unknown>;
interface TableChanges {
  created: Raw[];
  updated: Raw[];
  deleted: string[];
}
interface Changes {
  projects?: Partial<TableChanges>;
  tasks?: Partial<TableChanges>;
}

const project = (id: string, name: string, description = '') => ({ id, name, description });
const task = (id: string, title: string, projectId = '', isCompleted = false) => ({
  id,
  title,
  description: '',
  is_completed: isCompleted,
  project_id: projectId,
});

describe('WatermelonDB sync (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function syncClient(existing?: Awaited<ReturnType<typeof registerUser>>) {
    const user = existing ?? (await registerUser(t.url));
    // Each device of a user logs in on its own: a session of its own.
    const accessToken = existing
      ? ((await http(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password })).body.accessToken as string)
      : user.accessToken;
    const auth = bearer(accessToken);
    return {
      user,
      /** Another device of the same user. */
      anotherDevice: () => syncClient(user),
      pull: (lastPulledAt: number | null, query = '') => http(t.url, 'GET', `/api/v1/sync?lastPulledAt=${lastPulledAt}${query}`, undefined, auth),
      push: (changes: Changes, lastPulledAt: number | null, headers: Record<string, string> = {}) =>
        http(t.url, 'POST', `/api/v1/sync?lastPulledAt=${lastPulledAt}`, { changes }, { ...auth, ...headers }),
      /** Pushes and returns the timestamp of a pull made after it. */
      async pushed(changes: Changes, lastPulledAt: number | null = null) {
        const response = await this.push(changes, lastPulledAt ?? (await this.pull(null)).body.timestamp);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return (await this.pull(null)).body.timestamp as number;
      },
    };
  }
  const streamOf = (category: 'project' | 'task', id: string) => t.infrastructure.store.readStream(`${category}-${id}`);
  const byId = (records: Raw[]) => [...records].sort((a, b) => String(a.id).localeCompare(String(b.id)));

  describe('pull', () => {
    it('answers everything the user may see on a first sync (lastPulledAt null or 0): raw columns, as created, nothing deleted', async () => {
      const me = await syncClient();
      const other = await syncClient();
      const [p, t1, t2, gone] = [wmId(), wmId(), wmId(), wmId()];
      await me.pushed({
        projects: { created: [project(p, 'Home', 'chores')] },
        tasks: { created: [task(t1, 'Milk', p, true), task(t2, 'Eggs', p), task(gone, 'Bread', p)] },
      });
      await me.pushed({ tasks: { deleted: [gone] } });
      await other.pushed({ projects: { created: [project(wmId(), 'Not yours')] } });

      for (const first of [null, 0]) {
        const pulled = await me.pull(first);
        expect(pulled.status).toBe(200);
        expect(pulled.body.timestamp).toEqual(expect.any(Number));
        expect(pulled.body.changes.projects).toEqual({ created: [{ id: p, name: 'Home', description: 'chores' }], updated: [], deleted: [] });
        expect(pulled.body.changes.tasks.updated).toEqual([]);
        expect(pulled.body.changes.tasks.deleted).toEqual([]);
        expect(byId(pulled.body.changes.tasks.created)).toEqual(byId([task(t1, 'Milk', p, true), task(t2, 'Eggs', p)]));
      }
      expect((await me.pull(null)).body.timestamp).toBeGreaterThan(0);
      expect((await (await syncClient()).pull(null)).body).toEqual({
        changes: { projects: { created: [], updated: [], deleted: [] }, tasks: { created: [], updated: [], deleted: [] } },
        timestamp: expect.any(Number),
      });
    });

    it('answers what was created, updated and deleted since lastPulledAt, each id once, new records as created', async () => {
      const phone = await syncClient();
      const me = await phone.anotherDevice();
      const [kept, edited, removed, p] = [wmId(), wmId(), wmId(), wmId()];
      const since = await me.pushed({
        projects: { created: [project(p, 'P')] },
        tasks: { created: [task(kept, 'Kept', p), task(edited, 'Edit me', p), task(removed, 'Remove me', p)] },
      });
      const [added, addedThenRemoved] = [wmId(), wmId()]; // by another device of the same user
      await phone.pushed(
        { tasks: { created: [task(added, 'Added', p), task(addedThenRemoved, 'Brief', p)], updated: [task(edited, 'Edited', p, true)], deleted: [removed] } },
        since,
      );
      await phone.pushed({ tasks: { updated: [task(added, 'Added, then edited', p)], deleted: [addedThenRemoved] } });

      const pulled = await me.pull(since);
      expect(pulled.body.changes.projects).toEqual({ created: [], updated: [], deleted: [] });
      expect(pulled.body.changes.tasks.created).toEqual([task(added, 'Added, then edited', p)]);
      expect(pulled.body.changes.tasks.updated).toEqual([task(edited, 'Edited', p, true)]);
      expect([...pulled.body.changes.tasks.deleted].sort()).toEqual([removed, addedThenRemoved].sort());
      expect(pulled.body.timestamp).toBeGreaterThan(since);
      expect((await me.pull(pulled.body.timestamp as number)).body.changes.tasks).toEqual({ created: [], updated: [], deleted: [] });
    });

    it('sends a device the records it created itself as updated: it has them, or has deleted them and must not get them back', async () => {
      const phone = await syncClient();
      const tablet = await phone.anotherDevice();
      const since = (await phone.pull(null)).body.timestamp as number;
      const [mine, gone] = [wmId(), wmId()];
      await phone.pushed({ tasks: { created: [task(mine, 'Mine'), task(gone, 'Also mine')] } }, since);
      const onPhone = (await phone.pull(since)).body.changes.tasks;
      expect(onPhone.created).toEqual([]);
      expect(byId(onPhone.updated)).toEqual(byId([task(mine, 'Mine'), task(gone, 'Also mine')]));
      const onTablet = (await tablet.pull(since)).body.changes.tasks;
      expect(byId(onTablet.created)).toEqual(byId([task(mine, 'Mine'), task(gone, 'Also mine')]));
      expect(onTablet.updated).toEqual([]);
    });

    it('answers a timestamp from which the next pull misses nothing and repeats nothing, while other pushes land', async () => {
      const phone = await syncClient();
      const tablet = await phone.anotherDevice();
      const writer = async (name: string) => {
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) {
          const id = wmId();
          ids.push(id);
          const response = await phone.push({ tasks: { created: [task(id, `${name} ${i}`)] } }, 0);
          expect(response.status).toBe(200);
        }
        return ids;
      };
      const writers = Promise.all(['a', 'b', 'c'].map(writer));
      const seen = new Map<string, number>();
      let lastPulledAt: number | null = null;
      let writing = true;
      void writers.finally(() => (writing = false));
      const pullOnce = async () => {
        const pulled = await tablet.pull(lastPulledAt);
        for (const record of [...pulled.body.changes.tasks.created, ...pulled.body.changes.tasks.updated]) seen.set(record.id, (seen.get(record.id) ?? 0) + 1);
        expect(pulled.body.timestamp).toBeGreaterThanOrEqual(lastPulledAt ?? 0);
        lastPulledAt = pulled.body.timestamp;
      };
      while (writing) await pullOnce();
      const written = (await writers).flat();
      await pullOnce();
      expect([...seen.keys()].sort()).toEqual([...written].sort());
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

    it('gives every change its own server timestamp, strictly increasing, even within one push', async () => {
      const me = await syncClient();
      const ids = Array.from({ length: 20 }, () => wmId());
      await me.pushed({ tasks: { created: ids.map((id, i) => task(id, `same millisecond ${i}`)) } });
      await me.pushed({ tasks: { updated: ids.slice(0, 5).map((id) => task(id, 'edited')) } });
      const rows = await t.database.db.selectFrom('tasks').select(['id', 'server_created_at', 'last_modified']).where('id', 'in', ids).execute();
      const stamps = rows.flatMap((r) => [Number(r.server_created_at), Number(r.last_modified)]);
      const created = rows.map((r) => Number(r.server_created_at));
      expect(new Set(created).size).toBe(ids.length);
      const edited = rows.filter((r) => Number(r.last_modified) !== Number(r.server_created_at)).map((r) => Number(r.last_modified));
      expect(edited).toHaveLength(5);
      expect(Math.min(...edited)).toBeGreaterThan(Math.max(...created));
      const clock = await t.database.db.selectFrom('projects_sync_clock').select('last_modified').executeTakeFirstOrThrow();
      expect(Number(clock.last_modified)).toBeGreaterThanOrEqual(Math.max(...stamps));
    });

    it('rebuilds from the log into the same rows, server timestamps included, so no client has to pull again', async () => {
      const me = await syncClient();
      const [p, t1, t2] = [wmId(), wmId(), wmId()];
      await me.pushed({ projects: { created: [project(p, 'P')] }, tasks: { created: [task(t1, 'One', p), task(t2, 'Two', p)] } });
      await me.pushed({ tasks: { updated: [task(t1, 'One, edited', p, true)], deleted: [t2] } });
      const snapshot = async () => ({
        projects: await t.database.db.selectFrom('projects').selectAll().orderBy('id').execute(),
        tasks: await t.database.db.selectFrom('tasks').selectAll().orderBy('id').execute(),
        clock: await t.database.db.selectFrom('projects_sync_clock').selectAll().execute(),
      });
      const live = await snapshot();
      const projector = t.infrastructure.projectors.find((candidate) => candidate.name === 'projects')!;
      await rebuildProjection(t.infrastructure.database.db, t.infrastructure.store, projector, { batchSize: 5 });
      expect(await snapshot()).toEqual(live);
    });

    it('serves a client the tables of its schema version only', async () => {
      const me = await syncClient();
      await me.pushed({ projects: { created: [project(wmId(), 'P')] }, tasks: { created: [task(wmId(), 'T')] } });
      const v1 = await me.pull(null, '&schemaVersion=1');
      expect(Object.keys(v1.body.changes)).toEqual(['projects']);
      expect(Object.keys((await me.pull(null, '&schemaVersion=3')).body.changes).sort()).toEqual(['projects', 'tasks']);
    });

    it('after a migration, sends every record of a table added since migration.from', async () => {
      const me = await syncClient();
      const [p, t1, t2] = [wmId(), wmId(), wmId()];
      await me.pushed({ projects: { created: [project(p, 'P')] }, tasks: { created: [task(t1, 'Old task', p), task(t2, 'Done', p, true)] } });
      const asV1 = await me.pull(null, '&schemaVersion=1');
      const migration = encodeURIComponent(JSON.stringify({ from: 1, tables: ['tasks'], columns: [{ table: 'tasks', columns: ['is_completed'] }] }));
      const migrated = await me.pull(asV1.body.timestamp, `&schemaVersion=3&migration=${migration}`);
      expect(migrated.status).toBe(200);
      expect(byId(migrated.body.changes.tasks.created)).toEqual(byId([task(t1, 'Old task', p), task(t2, 'Done', p, true)]));
      expect(migrated.body.changes.projects).toEqual({ created: [], updated: [], deleted: [] });
      // Without the migration the same pull sends nothing: the records are older than the timestamp.
      expect((await me.pull(asV1.body.timestamp, '&schemaVersion=3')).body.changes.tasks).toEqual({ created: [], updated: [], deleted: [] });
    });

    it('after a migration, sends every record with a value other than the default in a column added since migration.from', async () => {
      const me = await syncClient();
      const [done, open, gone] = [wmId(), wmId(), wmId()];
      await me.pushed({ tasks: { created: [task(done, 'Done', '', true), task(open, 'Open'), task(gone, 'Done, then deleted', '', true)] } });
      const asV2 = await me.pushed({ tasks: { deleted: [gone] } });
      const migration = encodeURIComponent(JSON.stringify({ from: 2, tables: [], columns: [{ table: 'tasks', columns: ['is_completed'] }] }));
      const migrated = await me.pull(asV2, `&schemaVersion=3&migration=${migration}`);
      expect(migrated.body.changes.tasks).toEqual({ created: [], updated: [task(done, 'Done', '', true)], deleted: [] });
    });

    it('needs an access token, refuses a malformed query with 400, and is documented in the OpenAPI document', async () => {
      expect((await http(t.url, 'GET', '/api/v1/sync?lastPulledAt=0')).status).toBe(401);
      const openapi = await http(t.url, 'GET', '/openapi.json');
      expect(Object.keys(openapi.body.paths['/api/v1/sync'])).toEqual(expect.arrayContaining(['get', 'post']));
      const me = await syncClient();
      for (const query of ['lastPulledAt=-1', 'lastPulledAt=abc', 'lastPulledAt=0&schemaVersion=0', 'lastPulledAt=5&migration=%7Bnot%20json']) {
        const refused = await http(t.url, 'GET', `/api/v1/sync?${query}`, undefined, bearer(me.user.accessToken));
        expect(refused.status, query).toBe(400);
        expect(refused.body.code).toBe(2001);
      }
    });
  });

  describe('push', () => {
    it('applies created, updated and deleted records as events of their streams', async () => {
      const me = await syncClient();
      const [p, t1] = [wmId(), wmId()];
      const response = await me.push(
        { projects: { created: [{ ...project(p, 'Home'), _status: 'created', _changed: '' }] }, tasks: { created: [task(t1, 'Milk', p)] } },
        (await me.pull(null)).body.timestamp,
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ position: expect.any(Number) });
      expect((await streamOf('project', p)).map((e) => e.type)).toEqual(['ProjectCreated', 'TaskAddedToProject']);
      expect((await streamOf('task', t1)).map((e) => [e.type, e.data])).toEqual([
        [
          'TaskCreated',
          {
            taskId: t1,
            ownerId: me.user.userId,
            title: 'Milk',
            description: '',
            isCompleted: false,
            projectId: p,
            sessionId: expect.any(String),
            at: expect.any(String),
          },
        ],
      ]);
      const since = (await me.pull(null)).body.timestamp;
      expect(
        (
          await me.push(
            { tasks: { updated: [{ ...task(t1, 'Oat milk', p, true), _status: 'updated', _changed: 'title,is_completed' }] }, projects: { deleted: [] } },
            since,
          )
        ).status,
      ).toBe(200);
      expect((await streamOf('task', t1)).at(-1)?.data).toEqual({ taskId: t1, title: 'Oat milk', isCompleted: true, at: expect.any(String) });
      expect((await me.push({ tasks: { deleted: [t1] } }, (await me.pull(null)).body.timestamp)).status).toBe(200);
      expect((await streamOf('task', t1)).at(-1)).toMatchObject({ type: 'TaskDeleted', data: { cause: 'request' } });
      expect((await me.pull(since)).body.changes.tasks.deleted).toEqual([t1]);
    });

    it('updates a created record that exists already (a push that succeeded on the server but not on the client)', async () => {
      const me = await syncClient();
      const p = wmId();
      const since = await me.pushed({ projects: { created: [project(p, 'Home')] } });
      const again = await me.push({ projects: { created: [project(p, 'Home, renamed')] } }, since);
      expect(again.status).toBe(200);
      expect((await streamOf('project', p)).map((e) => e.type)).toEqual(['ProjectCreated', 'ProjectUpdated']);
      expect((await me.pull(since)).body.changes.projects.updated).toEqual([project(p, 'Home, renamed')]);
    });

    it('refuses an update of a record deleted on the server with 409, writing nothing', async () => {
      const me = await syncClient();
      const [t1, other] = [wmId(), wmId()];
      const pulledBefore = await me.pushed({ tasks: { created: [task(t1, 'Milk')] } });
      await me.pushed({ tasks: { deleted: [t1] } });
      const refused = await me.push({ tasks: { created: [task(other, 'New')], updated: [task(t1, 'Edited offline')] } }, pulledBefore);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 3008, records: [{ table: 'tasks', id: t1 }] });
      // Refused even when the client had pulled the deletion: a deleted record stays deleted.
      const afterDeletion = (await me.pull(null)).body.timestamp;
      expect((await me.push({ tasks: { updated: [task(t1, 'Edited offline')] } }, afterDeletion)).body).toMatchObject({
        code: 3008,
        rule: 'DeletedTasksStayDeleted',
      });
      expect(await streamOf('task', other)).toEqual([]);
      expect((await streamOf('task', t1)).map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
    });

    it('creates a record it is asked to update but never had', async () => {
      const me = await syncClient();
      const t1 = wmId();
      expect((await me.push({ tasks: { updated: [task(t1, 'Lost on the way')] } }, 0)).status).toBe(200);
      expect((await me.pull(null)).body.changes.tasks.created).toEqual([task(t1, 'Lost on the way')]);
    });

    it('ignores a delete of a record it does not know, or deleted already', async () => {
      const me = await syncClient();
      const [unknown, t1] = [wmId(), wmId()];
      await me.pushed({ tasks: { created: [task(t1, 'Milk')] } });
      await me.pushed({ tasks: { deleted: [t1] } });
      const response = await me.push({ projects: { deleted: [unknown] }, tasks: { deleted: [unknown, t1] } }, 0);
      expect(response.status).toBe(200);
      expect(await streamOf('project', unknown)).toEqual([]);
      expect((await streamOf('task', t1)).map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
    });

    it('refuses the whole push with 409 when a pushed record changed on the server after lastPulledAt, and writes nothing', async () => {
      const me = await syncClient();
      const [p, t1, fresh] = [wmId(), wmId(), wmId()];
      const pulled = await me.pushed({ projects: { created: [project(p, 'Home')] }, tasks: { created: [task(t1, 'Milk', p)] } });
      await me.pushed({ tasks: { updated: [task(t1, 'Milk, edited on the phone', p)] } }, pulled); // another device
      const stale = await me.push(
        {
          projects: { updated: [project(p, 'Home, edited on the tablet')] },
          tasks: { created: [task(fresh, 'New')], updated: [task(t1, 'Milk, edited on the tablet', p)] },
        },
        pulled,
      );
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 3008, rule: 'PushedRecordsChangedSinceLastPull', records: [{ table: 'tasks', id: t1 }] });
      expect(await streamOf('task', fresh)).toEqual([]);
      expect((await streamOf('project', p)).map((e) => e.type)).toEqual(['ProjectCreated', 'TaskAddedToProject']);
      // Pull, then push again: accepted.
      const repulled = (await me.pull(pulled)).body;
      expect(repulled.changes.tasks.updated).toEqual([task(t1, 'Milk, edited on the phone', p)]);
      expect(
        (await me.push({ tasks: { created: [task(fresh, 'New')], updated: [task(t1, 'Milk, edited on the tablet', p)] } }, repulled.timestamp)).status,
      ).toBe(200);
    });

    it('is all or nothing: one refused record leaves every other record of the push unwritten', async () => {
      const me = await syncClient();
      const other = await syncClient();
      const theirs = wmId();
      await other.pushed({ projects: { created: [project(theirs, 'Theirs')] } });
      const [p, t1, t2] = [wmId(), wmId(), wmId()];
      const refused = await me.push(
        { projects: { created: [project(p, 'Mine')] }, tasks: { created: [task(t1, 'Mine', p), task(t2, 'Into their project', theirs)] } },
        0,
      );
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ rule: 'TasksGoInExistingProjects', records: [{ table: 'tasks', id: t2 }] });
      for (const [category, id] of [
        ['project', p],
        ['task', t1],
        ['task', t2],
      ] as const)
        expect(await streamOf(category, id)).toEqual([]);
      expect((await streamOf('project', theirs)).map((e) => e.type)).toEqual(['ProjectCreated']);
    });

    it('deletes the tasks of a deleted project, those the client did not push too', async () => {
      const me = await syncClient();
      const [p, kept, t1, t2] = [wmId(), wmId(), wmId(), wmId()];
      await me.pushed({ projects: { created: [project(p, 'Doomed'), project(kept, 'Kept')] }, tasks: { created: [task(t1, 'One', p), task(t2, 'Two', p)] } });
      const pulled = (await me.pull(null)).body.timestamp;
      const late = wmId();
      await me.pushed({ tasks: { created: [task(late, 'Filed by another device', p)] } }, pulled);
      const moved = wmId();
      await me.pushed({ tasks: { created: [task(moved, 'Moved away', p)] } });
      await me.pushed({ tasks: { updated: [task(moved, 'Moved away', kept)] } });
      expect((await me.push({ projects: { deleted: [p] }, tasks: { deleted: [t1] } }, pulled)).status).toBe(200);
      const after = await me.pull(pulled);
      expect(after.body.changes.projects.deleted).toEqual([p]);
      expect([...after.body.changes.tasks.deleted].sort()).toEqual([t1, t2, late].sort());
      expect((await streamOf('task', t2)).at(-1)).toMatchObject({ type: 'TaskDeleted', data: { cause: 'project_deleted' } });
      expect((await streamOf('task', moved)).at(-1)?.type).toBe('TaskUpdated');
      // A task pushed into the deleted project later is deleted with it at once.
      const straggler = wmId();
      expect((await me.push({ tasks: { created: [task(straggler, 'Offline all along', p)] } }, pulled)).status).toBe(200);
      expect((await streamOf('task', straggler)).map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
    });

    it('accepts only the tables, columns and ids of the sync schema', async () => {
      const me = await syncClient();
      const p = wmId();
      const refusals: [string, unknown][] = [
        ['unknown table', { comments: { created: [{ id: wmId(), body: 'x' }], updated: [], deleted: [] } }],
        ['unknown column', { projects: { created: [{ id: p, name: 'P', owner_id: me.user.userId }], updated: [], deleted: [] } }],
        ['prototype key', JSON.parse(`{"projects":{"created":[{"id":"${p}","name":"P","constructor":"x"}],"updated":[],"deleted":[]}}`)],
        ['id not of the WatermelonDB shape', { projects: { created: [{ id: '../../etc/passwd', name: 'P' }], updated: [], deleted: [] } }],
        ['deleted id not of the shape', { tasks: { created: [], updated: [], deleted: ["x' OR 1=1"] } }],
        ['wrong type', { tasks: { created: [{ id: wmId(), title: 'T', is_completed: 'yes' }], updated: [], deleted: [] } }],
        ['project_id not an id', { tasks: { created: [{ id: wmId(), title: 'T', project_id: 'nope' }], updated: [], deleted: [] } }],
        ['record named twice', { tasks: { created: [task(p, 'A')], updated: [task(p, 'B')], deleted: [] } }],
      ];
      for (const [what, changes] of refusals) {
        const refused = await me.push(changes as Changes, 0);
        expect([400, 422], what).toContain(refused.status);
        expect(refused.headers.get('content-type'), what).toContain('application/problem+json');
      }
      expect((await me.push({ projects: { created: [project(p, 'P')] } }, 0)).status).toBe(200); // none of it was written
      expect((await streamOf('project', p)).map((e) => e.type)).toEqual(['ProjectCreated']);
      const proto = await http(
        t.url,
        'POST',
        '/api/v1/sync?lastPulledAt=0',
        `{"changes":{"projects":{"created":[{"id":"${wmId()}","__proto__":{"admin":true}}],"updated":[],"deleted":[]}}}`,
        bearer(me.user.accessToken),
      );
      expect(proto.status).toBe(400);
      const named = await me.push({ tasks: { created: [{ id: wmId(), title: 'T', colour: 'red' } as Raw] } }, 0);
      expect(named.body.errors).toEqual([expect.objectContaining({ path: expect.stringContaining('tasks.created.0') })]);
    });

    it("keeps users apart: another user's records are not pulled, and pushing them answers 404, as for a record that is not there", async () => {
      const me = await syncClient();
      const intruder = await syncClient();
      const [p, t1] = [wmId(), wmId()];
      await me.pushed({ projects: { created: [project(p, 'Private')] }, tasks: { created: [task(t1, 'Secret', p)] } });
      expect((await intruder.pull(null)).body.changes.tasks.created).toEqual([]);
      for (const changes of [
        { tasks: { updated: [task(t1, 'Mine now')] } },
        { tasks: { created: [task(t1, 'Mine now')] } },
        { projects: { deleted: [p] } },
        { tasks: { deleted: [t1] } },
      ] satisfies Changes[]) {
        const refused = await intruder.push(changes, 0);
        expect(refused.status, JSON.stringify(changes)).toBe(404);
        expect(refused.body, JSON.stringify(changes)).toMatchObject({
          rule: 'UsersSeeOnlyTheirOwnRecords',
          detail: expect.stringMatching(/^(task|project) \w{16} not found$/),
        });
      }
      expect((await streamOf('task', t1)).map((e) => e.type)).toEqual(['TaskCreated']);
      expect((await streamOf('project', p)).map((e) => e.type)).toEqual(['ProjectCreated', 'TaskAddedToProject']);
    });

    it('is idempotent under an Idempotency-Key: a repeated push appends nothing and answers as the first time', async () => {
      const me = await syncClient();
      const [t1, t2] = [wmId(), wmId()];
      const changes = { tasks: { created: [task(t1, 'Once'), task(t2, 'Once too')] } };
      const first = await me.push(changes, 0, { 'idempotency-key': 'sync-push-1' });
      const again = await me.push(changes, 0, { 'idempotency-key': 'sync-push-1' });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect((await streamOf('task', t1)).map((e) => e.type)).toEqual(['TaskCreated']);
      // Without the key the repeat is a new push: the records exist and changed after lastPulledAt 0.
      expect((await me.push(changes, 0)).status).toBe(409);
    });
  });

  describe('the project a task is filed in', () => {
    it("answers a task filed in another user's project as one filed in a project that does not exist: 404, nothing written", async () => {
      const owner = await syncClient();
      const intruder = await syncClient();
      const [theirs, theirsDeleted, nowhere] = [wmId(), wmId(), wmId()];
      await owner.pushed({ projects: { created: [project(theirs, 'Theirs'), project(theirsDeleted, 'Theirs, deleted')] } });
      await owner.pushed({ projects: { deleted: [theirsDeleted] } });
      const answers = [];
      for (const projectId of [theirs, theirsDeleted, nowhere]) {
        const taskId = wmId();
        const refused = await intruder.push({ tasks: { created: [task(taskId, 'Sneaky', projectId)] } }, 0);
        expect(refused.status, projectId).toBe(404);
        expect(await streamOf('task', taskId)).toEqual([]);
        answers.push({ ...refused.body, detail: String(refused.body.detail).replace(projectId, 'P').replace(taskId, 'T'), records: undefined });
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      expect(answers[0]).toMatchObject({ rule: 'TasksGoInExistingProjects' });
      // Moving one's own task into their project is refused alike.
      const mine = wmId();
      const since = await intruder.pushed({ tasks: { created: [task(mine, 'Mine')] } });
      expect((await intruder.push({ tasks: { updated: [task(mine, 'Mine', theirs)] } }, since)).status).toBe(404);
      expect((await streamOf('project', theirs)).map((e) => e.type)).toEqual(['ProjectCreated']);
      expect((await owner.pull(null)).body.changes.tasks.created).toEqual([]);
      expect((await intruder.pull(null)).body.changes.tasks.created).toEqual([task(mine, 'Mine')]);
    });

    it('gives the same result whatever the timing of creating a project, filing a task in it and deleting the project', async () => {
      const histories: [string, (p: string, t1: string) => Changes[]][] = [
        [
          'created, filed and deleted in one push',
          (p, t1) => [{ projects: { created: [project(p, 'P')], deleted: [p] }, tasks: { created: [task(t1, 'T', p)] } }],
        ],
        [
          'deleted before it was ever pushed (WatermelonDB pushes the deletion only)',
          (p, t1) => [{ projects: { deleted: [p] }, tasks: { created: [task(t1, 'T', p)] } }],
        ],
        [
          'created and filed, then deleted in a second push',
          (p, t1) => [{ projects: { created: [project(p, 'P')] }, tasks: { created: [task(t1, 'T', p)] } }, { projects: { deleted: [p] } }],
        ],
        [
          'created, then filed and deleted in a second push',
          (p, t1) => [{ projects: { created: [project(p, 'P')] } }, { projects: { deleted: [p] }, tasks: { created: [task(t1, 'T', p)] } }],
        ],
      ];
      for (const [history, pushes] of histories) {
        const phone = await syncClient();
        const [p, t1] = [wmId(), wmId()];
        const before = (await phone.pull(null)).body.timestamp as number;
        for (const changes of pushes(p, t1)) {
          const pushed = await phone.push(changes, (await phone.pull(null)).body.timestamp);
          expect(pushed.status, `${history}: ${JSON.stringify(pushed.body)}`).toBe(200);
        }
        const fresh = await (await phone.anotherDevice()).pull(null);
        expect(fresh.body.changes.tasks, history).toEqual({ created: [], updated: [], deleted: [] });
        expect(fresh.body.changes.projects, history).toEqual({ created: [], updated: [], deleted: [] });
        const since = await phone.pull(before);
        expect([...since.body.changes.tasks.created, ...since.body.changes.tasks.updated], history).toEqual([]);
        expect(since.body.changes.tasks.deleted, history).toEqual([t1]);
        expect((await streamOf('task', t1)).at(-1), history).toMatchObject({ type: 'TaskDeleted', data: { cause: 'project_deleted' } });
      }
    });

    it('refuses a task whose project the server does not know and the push does not create, writing nothing', async () => {
      const me = await syncClient();
      const [p, t1, t2] = [wmId(), wmId(), wmId()];
      const refused = await me.push(
        { projects: { created: [project(p, 'Known')] }, tasks: { created: [task(t1, 'Fine', p), task(t2, 'Filed nowhere', wmId())] } },
        0,
      );
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ rule: 'TasksGoInExistingProjects', records: [{ table: 'tasks', id: t2 }] });
      for (const [category, id] of [
        ['project', p],
        ['task', t1],
        ['task', t2],
      ] as const)
        expect(await streamOf(category, id)).toEqual([]);
      expect((await me.pull(null)).body.changes.tasks.created).toEqual([]);
    });
  });
});
