/**
 * The `projects` view: what the WatermelonDB sync pull reads. One row per project and per task,
 * under the client's id and with the client schema's column names, kept after deletion as a
 * tombstone (`deleted`), so that a pull can tell a client what was deleted since it last pulled.
 * Each row carries the server timestamp of its creation and of its last change, and one clock row
 * holds the last timestamp given (server-timestamps.ts). A batch is applied in memory and written
 * with one upsert per table: a push of a thousand tasks is one projector batch, not a thousand.
 */
import { Kysely, sql, Transaction } from 'kysely';
import { defineBatchProjection } from '../runtime/projection';
import { assertNever } from '../../domain/decider';
import type { DB } from '../runtime/database';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { ProjectEvent } from '../../domain/projects/project.decider';
import type { TaskEvent } from '../../domain/projects/task.decider';
import { nextServerTimestamp } from './server-timestamps';

interface SyncedRow {
  id: string;
  owner_id: string;
  /** Server timestamp (ms) of the creation: a record created after a client's last pull is new to it… */
  server_created_at: number;
  /** …unless it came from that client's own session (device), which has it, or has deleted it since. */
  created_in_session: string;
  /** Server timestamp (ms) of the last change, deletion included. */
  last_modified: number;
  deleted: boolean;
}

export interface ProjectsTable extends SyncedRow {
  name: string;
  description: string;
}

export interface TasksTable extends SyncedRow {
  project_id: string;
  title: string;
  description: string;
  is_completed: boolean;
}

export interface ProjectsSyncClockTable {
  id: boolean;
  last_modified: number;
}

declare module '../runtime/database' {
  interface DB {
    projects: ProjectsTable;
    tasks: TasksTable;
    projects_sync_clock: ProjectsSyncClockTable;
  }
}

/** What the view reads: TaskAddedToProject is left out, as a task's own events carry its project. */
type Projected = Exclude<ProjectEvent | TaskEvent, { type: 'TaskAddedToProject' }>;

/** Rows per INSERT: well below PostgreSQL's 65,535 parameters at ten columns a row. */
const ROWS_PER_STATEMENT = 1000;

async function createTables(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE projects (
      id                 text PRIMARY KEY,
      owner_id           uuid NOT NULL,
      name               text NOT NULL,
      description        text NOT NULL,
      created_in_session text NOT NULL,
      server_created_at  bigint NOT NULL,
      last_modified      bigint NOT NULL,
      deleted            boolean NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX projects_owner_changes ON projects (owner_id, last_modified)`.execute(db);
  await sql`
    CREATE TABLE tasks (
      id                 text PRIMARY KEY,
      owner_id           uuid NOT NULL,
      project_id         text NOT NULL,
      title              text NOT NULL,
      description        text NOT NULL,
      is_completed       boolean NOT NULL,
      created_in_session text NOT NULL,
      server_created_at  bigint NOT NULL,
      last_modified      bigint NOT NULL,
      deleted            boolean NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX tasks_owner_changes ON tasks (owner_id, last_modified)`.execute(db);
  await sql`CREATE TABLE projects_sync_clock (id boolean PRIMARY KEY CHECK (id), last_modified bigint NOT NULL)`.execute(db);
}

/** The rows a batch changes, as they end up, and the clock. */
class BatchRows {
  readonly projects = new Map<string, ProjectsTable>();
  readonly tasks = new Map<string, TasksTable>();

  constructor(public clock: number) {}

  /** The next server timestamp, for a change recorded at `event.recordedAt`. */
  tick(event: RecordedEvent): number {
    this.clock = nextServerTimestamp(this.clock, event.recordedAt.getTime());
    return this.clock;
  }

  project(id: string): ProjectsTable {
    const row = this.projects.get(id);
    if (!row) throw new Error(`project ${id} changed before it was created`);
    return row;
  }

  task(id: string): TasksTable {
    const row = this.tasks.get(id);
    if (!row) throw new Error(`task ${id} changed before it was created`);
    return row;
  }
}

function apply(event: RecordedEvent<Projected>, rows: BatchRows): void {
  switch (event.type) {
    case 'ProjectCreated': {
      const { projectId, ownerId, name, description, sessionId } = event.data;
      const at = rows.tick(event);
      rows.projects.set(projectId, {
        id: projectId,
        owner_id: ownerId,
        name,
        description,
        created_in_session: sessionId,
        server_created_at: at,
        last_modified: at,
        deleted: false,
      });
      return;
    }
    case 'ProjectUpdated': {
      const { projectId, name, description } = event.data;
      const row = rows.project(projectId);
      Object.assign(row, { name: name ?? row.name, description: description ?? row.description, last_modified: rows.tick(event) });
      return;
    }
    case 'ProjectDeleted': {
      const { projectId } = event.data;
      Object.assign(rows.project(projectId), { deleted: true, last_modified: rows.tick(event) });
      return;
    }
    case 'TaskCreated': {
      const { taskId, ownerId, title, description, isCompleted, projectId, sessionId } = event.data;
      const at = rows.tick(event);
      rows.tasks.set(taskId, {
        id: taskId,
        owner_id: ownerId,
        project_id: projectId,
        title,
        description,
        is_completed: isCompleted,
        created_in_session: sessionId,
        server_created_at: at,
        last_modified: at,
        deleted: false,
      });
      return;
    }
    case 'TaskUpdated': {
      const { taskId, title, description, isCompleted, projectId } = event.data;
      const row = rows.task(taskId);
      Object.assign(row, {
        title: title ?? row.title,
        description: description ?? row.description,
        is_completed: isCompleted ?? row.is_completed,
        project_id: projectId ?? row.project_id,
        last_modified: rows.tick(event),
      });
      return;
    }
    case 'TaskDeleted': {
      const { taskId } = event.data;
      Object.assign(rows.task(taskId), { deleted: true, last_modified: rows.tick(event) });
      return;
    }
    default:
      return assertNever(event);
  }
}

/** The ids of rows a batch changes without creating them: they are read before the batch is applied. */
function existingIds(events: readonly RecordedEvent<Projected>[]): { projects: string[]; tasks: string[] } {
  const projects = new Set<string>();
  const tasks = new Set<string>();
  for (const event of events) {
    if (event.type === 'ProjectUpdated' || event.type === 'ProjectDeleted') projects.add(event.data.projectId);
    if (event.type === 'TaskUpdated' || event.type === 'TaskDeleted') tasks.add(event.data.taskId);
  }
  return { projects: [...projects], tasks: [...tasks] };
}

async function readRows(trx: Transaction<DB>, events: readonly RecordedEvent<Projected>[]): Promise<BatchRows> {
  const ids = existingIds(events);
  const clock = await trx.selectFrom('projects_sync_clock').select('last_modified').executeTakeFirst();
  const rows = new BatchRows(Number(clock?.last_modified ?? 0));
  if (ids.projects.length > 0) {
    for (const row of await trx.selectFrom('projects').selectAll().where('id', 'in', ids.projects).execute()) rows.projects.set(row.id, fromDb(row));
  }
  if (ids.tasks.length > 0) {
    for (const row of await trx.selectFrom('tasks').selectAll().where('id', 'in', ids.tasks).execute()) rows.tasks.set(row.id, fromDb(row));
  }
  return rows;
}

/** bigint columns arrive as strings from pg. */
function fromDb<R extends SyncedRow>(row: R): R {
  return { ...row, server_created_at: Number(row.server_created_at), last_modified: Number(row.last_modified) };
}

/** What a later event may change in a row: everything but its id, owner and creation. */
const CHANGEABLE = {
  projects: ['name', 'description', 'last_modified', 'deleted'],
  tasks: ['project_id', 'title', 'description', 'is_completed', 'last_modified', 'deleted'],
} as const;

async function upsert<T extends keyof typeof CHANGEABLE>(trx: Transaction<DB>, table: T, rows: readonly DB[T][]): Promise<void> {
  const changeable = Object.fromEntries(CHANGEABLE[table].map((column) => [column, sql.ref(`excluded.${column}`)]));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + ROWS_PER_STATEMENT) as never) // the rows of `table`, which Kysely cannot tell for a table chosen at run time
      .onConflict((oc) => oc.column('id').doUpdateSet(changeable as never))
      .execute();
  }
}

async function writeRows(trx: Transaction<DB>, rows: BatchRows): Promise<void> {
  if (rows.projects.size + rows.tasks.size === 0) return;
  await upsert(trx, 'projects', [...rows.projects.values()]);
  await upsert(trx, 'tasks', [...rows.tasks.values()]);
  await trx
    .insertInto('projects_sync_clock')
    .values({ id: true, last_modified: rows.clock })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_modified: rows.clock }))
    .execute();
}

export const projectsProjection = defineBatchProjection<Projected>({
  name: 'projects',
  tables: ['projects', 'tasks', 'projects_sync_clock'],
  migrations: { '0700_projects': { up: createTables } },
  handles: { ProjectCreated: true, ProjectUpdated: true, ProjectDeleted: true, TaskCreated: true, TaskUpdated: true, TaskDeleted: true },
  async handleBatch(events, { trx }) {
    const rows = await readRows(trx, events);
    for (const event of events) apply(event, rows);
    await writeRows(trx, rows);
  },
});
