/**
 * Sync pushes give the same result whatever the timing: a client that creates and deletes projects
 * and tasks offline ends up with the same records on the server whether it synced once or twice, and
 * no task is ever left in a project the server does not hold. The client is modelled as WatermelonDB
 * behaves (a record deleted before it was ever pushed is pushed as a deletion alone; deleting a project
 * marks the project alone), and as a hand-made client that lists such a record as created and deleted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/domain/decider';
import { projectDecider, ProjectEvent, ProjectState, projectStream } from '../../src/domain/projects/project.decider';
import { taskDecider, TaskEvent, TaskState, taskStream } from '../../src/domain/projects/task.decider';
import { decideSyncPush, PushStates, streamsToLoad, SyncPush } from '../../src/domain/projects/sync-push';

const origin = { actorId: 'me', sessionId: 'phone' };
const at = '2026-12-02T10:00:00.000Z';
const PROJECTS = ['ProjectAAAAAAAAA', 'ProjectBBBBBBBBB'];
const TASKS = ['Task111111111111', 'Task222222222222', 'Task333333333333'];

type Op =
  | { kind: 'createProject'; p: number }
  | { kind: 'createTask'; t: number; p: number | null }
  | { kind: 'deleteProject'; p: number }
  | { kind: 'deleteTask'; t: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('createProject' as const), p: fc.nat(PROJECTS.length - 1) }),
  fc.record({ kind: fc.constant('createTask' as const), t: fc.nat(TASKS.length - 1), p: fc.option(fc.nat(PROJECTS.length - 1)) }),
  fc.record({ kind: fc.constant('deleteProject' as const), p: fc.nat(PROJECTS.length - 1) }),
  fc.record({ kind: fc.constant('deleteTask' as const), t: fc.nat(TASKS.length - 1) }),
);

interface LocalRecord {
  table: 'projects' | 'tasks';
  projectId: string;
  status: 'created' | 'synced' | 'deleted';
  /** Created since the last push: a hand-made client lists it as created even when it is deleted since. */
  createdSincePush: boolean;
}

/** A device's local database, as WatermelonDB keeps it between syncs. */
class OfflineClient {
  private readonly records = new Map<string, LocalRecord>();
  private readonly used = new Set<string>();

  constructor(private readonly listsDeletedCreations: boolean) {}

  apply(o: Op): void {
    const live = (id: string) => this.records.has(id) && this.records.get(id)!.status !== 'deleted';
    if (o.kind === 'createProject' || o.kind === 'createTask') {
      const id = o.kind === 'createProject' ? PROJECTS[o.p]! : TASKS[o.t]!;
      const projectId = o.kind === 'createTask' && o.p !== null ? PROJECTS[o.p]! : '';
      if (this.used.has(id) || (projectId && !live(projectId))) return; // ids are never reused; a task goes into a project the device shows
      this.used.add(id);
      this.records.set(id, { table: o.kind === 'createProject' ? 'projects' : 'tasks', projectId, status: 'created', createdSincePush: true });
    } else {
      const id = o.kind === 'deleteProject' ? PROJECTS[o.p]! : TASKS[o.t]!;
      if (live(id)) this.records.get(id)!.status = 'deleted';
    }
  }

  changes(): SyncPush {
    const push: SyncPush = { projects: { saved: [], deleted: [] }, tasks: { saved: [], deleted: [] } };
    for (const [id, record] of this.records) {
      const saved = record.status === 'created' || (record.status === 'deleted' && record.createdSincePush && this.listsDeletedCreations);
      if (saved)
        push[record.table].saved.push(record.table === 'projects' ? { id, fields: { name: id } } : { id, fields: { title: id, projectId: record.projectId } });
      if (record.status === 'deleted') push[record.table].deleted.push(id);
    }
    return push;
  }

  pushed(): void {
    for (const [id, record] of this.records) {
      if (record.status === 'deleted') this.records.delete(id);
      else Object.assign(record, { status: 'synced', createdSincePush: false });
    }
  }
}

/** The server's side: streams of events, pushes decided as the handler decides them. */
class Server {
  private readonly streams = new Map<string, (ProjectEvent | TaskEvent)[]>();

  push(push: SyncPush): void {
    const states: { projects: Map<string, ProjectState>; tasks: Map<string, TaskState> } = { projects: new Map(), tasks: new Map() };
    for (;;) {
      const missing = streamsToLoad(push, states satisfies PushStates);
      if (missing.projects.length + missing.tasks.length === 0) break;
      for (const id of missing.projects) states.projects.set(id, this.project(id));
      for (const id of missing.tasks) states.tasks.set(id, this.task(id));
    }
    const decision = decideSyncPush(push, states, origin, at);
    for (const [id, events] of decision.projects) this.streams.set(projectStream(id), [...(this.streams.get(projectStream(id)) ?? []), ...events]);
    for (const [id, events] of decision.tasks) this.streams.set(taskStream(id), [...(this.streams.get(taskStream(id)) ?? []), ...events]);
  }

  /** What a pull (a fresh device's) shows: live projects, and live tasks with their project. */
  pull(): { projects: string[]; tasks: Record<string, string> } {
    const projects = PROJECTS.filter((id) => this.project(id).status === 'active');
    const tasks: Record<string, string> = {};
    for (const id of TASKS) {
      const task = this.task(id);
      if (task.status === 'active') tasks[id] = task.projectId;
    }
    return { projects, tasks };
  }

  private project(id: string): ProjectState {
    return fold(projectDecider, (this.streams.get(projectStream(id)) ?? []) as ProjectEvent[]);
  }

  private task(id: string): TaskState {
    return fold(taskDecider, (this.streams.get(taskStream(id)) ?? []) as TaskEvent[]);
  }
}

/** Replays the device's operations, syncing after `syncsAfter` of them (if given) and at the end. */
function syncedOutcome(ops: readonly Op[], syncsAfter: number | null, listsDeletedCreations: boolean) {
  const client = new OfflineClient(listsDeletedCreations);
  const server = new Server();
  const sync = () => {
    server.push(client.changes());
    client.pushed();
  };
  ops.forEach((o, index) => {
    client.apply(o);
    if (index + 1 === syncsAfter) sync();
  });
  sync();
  return server.pull();
}

describe('sync pushes, whatever their timing', () => {
  it('never leave a pulled task in a project absent from the pull, and end where a single push ends', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), fc.option(fc.nat(12)), fc.boolean(), (ops, syncsAfter, listsDeletedCreations) => {
        const outcome = syncedOutcome(ops, syncsAfter, listsDeletedCreations);
        for (const projectId of Object.values(outcome.tasks)) if (projectId) expect(outcome.projects).toContain(projectId);
        expect(outcome).toEqual(syncedOutcome(ops, null, false));
      }),
      { numRuns: 500 },
    );
  });

  it("covers the issue's case: project and task created, the project deleted, all before one sync", () => {
    const ops: Op[] = [
      { kind: 'createProject', p: 0 },
      { kind: 'createTask', t: 0, p: 0 },
      { kind: 'deleteProject', p: 0 },
    ];
    for (const listsDeletedCreations of [false, true]) expect(syncedOutcome(ops, null, listsDeletedCreations)).toEqual({ projects: [], tasks: {} });
    expect(syncedOutcome(ops, 2, false)).toEqual({ projects: [], tasks: {} });
  });
});
