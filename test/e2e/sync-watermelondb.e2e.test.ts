/**
 * The real WatermelonDB client against the running app: two client databases of one user
 * (LokiJS in memory, in Node), each calling `synchronize()` over HTTP. Offline changes on each
 * reach the other, a conflicting edit resolves as WatermelonDB resolves it (the columns changed
 * locally win, the others come from the server), a push that races another device's is refused
 * and the next sync settles it, and deletions propagate, a project's tasks with it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appSchema, Database, Model, tableSchema } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { synchronize, type SyncLog } from '@nozbe/watermelondb/sync';
import logger from '@nozbe/watermelondb/utils/common/logger';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';

const schema = appSchema({
  version: 3,
  tables: [
    tableSchema({
      name: 'projects',
      columns: [
        { name: 'name', type: 'string' },
        { name: 'description', type: 'string' },
      ],
    }),
    tableSchema({
      name: 'tasks',
      columns: [
        { name: 'title', type: 'string' },
        { name: 'description', type: 'string' },
        { name: 'is_completed', type: 'boolean' },
        { name: 'project_id', type: 'string', isIndexed: true },
      ],
    }),
  ],
});

// Models without decorators: fields are read and written as raw columns.
class Project extends Model {
  static override table = 'projects';
  static override associations = { tasks: { type: 'has_many' as const, foreignKey: 'project_id' } };
}
class Task extends Model {
  static override table = 'tasks';
  static override associations = { projects: { type: 'belongs_to' as const, key: 'project_id' } };
}

type Raw = Record<string, unknown>;

/** WatermelonDB reports what it finds wrong with a server's answers through its logger; collect that. */
const syncErrors: unknown[] = [];

describe('WatermelonDB client ↔ sync endpoints (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  beforeAll(async () => {
    logger.log = () => undefined;
    logger.warn = () => undefined;
    logger.error = (...messages: unknown[]) => void syncErrors.push(...messages);
    t = await startTestApp();
  });
  beforeEach(() => {
    syncErrors.length = 0;
  });
  afterAll(async () => t?.close());

  /** A user's phone and tablet: each logged in on its own (a session each), each with its own database. */
  async function phoneAndTablet() {
    const user = await registerUser(t.url);
    const login = await http(t.url, 'POST', '/api/v1/auth/login', { login: user.email, password: user.password });
    return [device(user.accessToken), device(login.body.accessToken as string)] as const;
  }

  let databases = 0;
  function device(token: string) {
    const adapter = new LokiJSAdapter({
      schema,
      dbName: `device-${databases++}`,
      useWebWorker: false,
      useIncrementalIndexedDB: false,
      extraLokiOptions: { autosave: false },
    });
    const db = new Database({ adapter, modelClasses: [Project, Task] });
    const api = `${t.url}/api/v1/sync`;
    const sync = (log?: SyncLog, beforePush?: () => Promise<void>) =>
      synchronize({
        database: db,
        log,
        pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
          const query = `lastPulledAt=${lastPulledAt ?? null}&schemaVersion=${schemaVersion}&migration=${encodeURIComponent(JSON.stringify(migration))}`;
          const response = await fetch(`${api}?${query}`, { headers: bearer(token) });
          if (!response.ok) throw new Error(`pull: ${response.status} ${await response.text()}`);
          return (await response.json()) as { changes: never; timestamp: number };
        },
        pushChanges: async ({ changes, lastPulledAt }) => {
          await beforePush?.();
          const response = await fetch(`${api}?lastPulledAt=${lastPulledAt}`, {
            method: 'POST',
            headers: { ...bearer(token), 'content-type': 'application/json' },
            body: JSON.stringify({ changes }),
          });
          if (!response.ok) throw new Error(`push: ${response.status} ${await response.text()}`);
        },
      });
    const create = (table: 'projects' | 'tasks', fields: Raw) =>
      db.write(() => db.get<Model>(table).create((record) => Object.entries(fields).forEach(([column, value]) => record._setRaw(column, value as never))));
    const find = (table: 'projects' | 'tasks', id: string) => db.get<Model>(table).find(id);
    return {
      db,
      sync,
      create,
      async update(table: 'projects' | 'tasks', id: string, fields: Raw) {
        const record = await find(table, id);
        await db.write(() => record.update(() => Object.entries(fields).forEach(([column, value]) => record._setRaw(column, value as never))));
      },
      async remove(table: 'projects' | 'tasks', id: string) {
        const record = await find(table, id);
        await db.write(() => record.markAsDeleted());
      },
      /** The table's records as the app sees them: raw columns, sync bookkeeping left out. */
      async records(table: 'projects' | 'tasks'): Promise<Raw[]> {
        const all = await db.get<Model>(table).query().fetch();
        return all.map(({ _raw: { _status, _changed, ...columns } }) => columns as Raw).sort((a, b) => String(a.id).localeCompare(String(b.id)));
      },
      async status(table: 'projects' | 'tasks', id: string) {
        return (await find(table, id))._raw._status;
      },
    };
  }

  it('brings the changes each device made offline to the other', async () => {
    const [phone, tablet] = await phoneAndTablet();
    await phone.sync();
    await tablet.sync();
    const home = await phone.create('projects', { name: 'Home', description: 'chores' });
    const milk = await phone.create('tasks', { title: 'Milk', description: '', is_completed: false, project_id: home.id });
    const call = await tablet.create('tasks', { title: 'Call the plumber', description: 'before Friday', is_completed: false, project_id: '' });

    await phone.sync();
    await tablet.sync();
    await phone.sync();

    expect(await phone.records('projects')).toEqual([{ id: home.id, name: 'Home', description: 'chores' }]);
    const tasks = [
      { id: milk.id, title: 'Milk', description: '', is_completed: false, project_id: home.id },
      { id: call.id, title: 'Call the plumber', description: 'before Friday', is_completed: false, project_id: '' },
    ].sort((a, b) => a.id.localeCompare(b.id));
    expect(await phone.records('tasks')).toEqual(tasks);
    expect(await tablet.records('tasks')).toEqual(tasks);
    expect(await tablet.records('projects')).toEqual(await phone.records('projects'));
    expect(await tablet.status('tasks', milk.id)).toBe('synced');
    expect(syncErrors).toEqual([]);
  });

  it('resolves a conflicting edit as WatermelonDB does: the columns changed locally win, the rest come from the server', async () => {
    const [phone, tablet] = await phoneAndTablet();
    const groceries = await phone.create('tasks', { title: 'Groceries', description: 'the usual', is_completed: false, project_id: '' });
    await phone.sync();
    await tablet.sync();

    await phone.update('tasks', groceries.id, { title: 'Groceries (phone)', description: 'with oat milk' });
    await tablet.update('tasks', groceries.id, { title: 'Groceries (tablet)', is_completed: true });
    await phone.sync(); // first to push: the server takes the phone's edit
    const log: SyncLog = {};
    await tablet.sync(log); // pulls the phone's edit onto its own, then pushes the result

    const resolved = { id: groceries.id, title: 'Groceries (tablet)', description: 'with oat milk', is_completed: true, project_id: '' };
    expect(log.resolvedConflicts).toHaveLength(1);
    expect(await tablet.records('tasks')).toEqual([resolved]);
    await phone.sync();
    expect(await phone.records('tasks')).toEqual([resolved]);
    expect(syncErrors).toEqual([]);
  });

  it('refuses a push that races another device, and the next sync settles the conflict', async () => {
    const [phone, tablet] = await phoneAndTablet();
    const plan = await phone.create('projects', { name: 'Plan', description: '' });
    await phone.sync();
    await tablet.sync();

    await tablet.update('projects', plan.id, { name: 'Plan (tablet)' });
    await phone.update('projects', plan.id, { description: 'edited on the phone' });
    // The phone pushes between the tablet's pull and the tablet's push.
    const raced = tablet.sync(undefined, () => phone.sync());
    await expect(raced).rejects.toThrow(/push: 409 .*PushedRecordsChangedSinceLastPull/);
    expect(await tablet.status('projects', plan.id)).toBe('updated'); // nothing lost: still to be pushed

    await tablet.sync();
    await phone.sync();
    const merged = [{ id: plan.id, name: 'Plan (tablet)', description: 'edited on the phone' }];
    expect(await tablet.records('projects')).toEqual(merged);
    expect(await phone.records('projects')).toEqual(merged);
    expect(syncErrors).toEqual([]);
  });

  it('keeps a record deleted that the device created, synced, and deleted before its next sync', async () => {
    const [phone, tablet] = await phoneAndTablet();
    await phone.sync();
    const note = await phone.create('tasks', { title: 'Short-lived', description: '', is_completed: false, project_id: '' });
    await phone.sync(); // pushes it: the next pull brings it back, as a record the phone has
    await phone.remove('tasks', note.id);
    await phone.sync(); // pulls it, must not bring it back to life; pushes the deletion
    expect(await phone.records('tasks')).toEqual([]);
    await tablet.sync();
    expect(await tablet.records('tasks')).toEqual([]);
    expect(syncErrors).toEqual([]);
  });

  it('propagates a deletion, and deleting a project deletes its tasks on every device', async () => {
    const [phone, tablet] = await phoneAndTablet();
    const garden = await phone.create('projects', { name: 'Garden', description: '' });
    const mow = await phone.create('tasks', { title: 'Mow', description: '', is_completed: false, project_id: garden.id });
    const weed = await phone.create('tasks', { title: 'Weed', description: '', is_completed: false, project_id: garden.id });
    const loose = await phone.create('tasks', { title: 'Not in the garden', description: '', is_completed: false, project_id: '' });
    await phone.sync();
    await tablet.sync();
    expect(await tablet.records('tasks')).toHaveLength(3);

    await tablet.remove('tasks', loose.id);
    await tablet.remove('projects', garden.id); // the project only: the server deletes its tasks
    await tablet.sync();
    await phone.sync();
    await tablet.sync();

    for (const each of [phone, tablet]) {
      expect(await each.records('projects')).toEqual([]);
      expect(await each.records('tasks')).toEqual([]);
    }
    // The tablet never saw the tasks' deletion itself: the server deleted them with their project.
    for (const task of [mow, weed]) {
      expect((await t.infrastructure.store.readStream(`task-${task.id}`)).at(-1)).toMatchObject({ type: 'TaskDeleted', data: { cause: 'project_deleted' } });
    }
    expect(syncErrors).toEqual([]);
  });
});
