/** Deciding a sync push as a whole: order, cascades, and which record a refusal names. */
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/domain/decider';
import { projectDecider, ProjectEvent, ProjectState } from '../../src/domain/projects/project.decider';
import { taskDecider, TaskEvent, TaskState } from '../../src/domain/projects/task.decider';
import { decideSyncPush, PushStates, streamsToLoad, SyncPush } from '../../src/domain/projects/sync-push';
import { PushedRecordsRefused } from '../../src/domain/projects/pushed-records-refused';

const at = '2026-11-21T10:00:00.000Z';
const me = 'me';
const sessionId = 'phone-session';
const origin = { actorId: me, sessionId };
const P = 'ProjectPPPPPPPPP';
const Q = 'ProjectQQQQQQQQQ';
const [T1, T2, T3] = ['Task111111111111', 'Task222222222222', 'Task333333333333'];

const emptyPush = (): SyncPush => ({ projects: { saved: [], deleted: [] }, tasks: { saved: [], deleted: [] } });
const project = (...events: ProjectEvent[]): ProjectState => fold(projectDecider, events);
const task = (...events: TaskEvent[]): TaskState => fold(taskDecider, events);
const projectCreated = (projectId: string, ownerId = me): ProjectEvent => ({
  type: 'ProjectCreated',
  data: { projectId, ownerId, name: projectId, description: '', sessionId, at },
});
const filed = (projectId: string, taskId: string): ProjectEvent => ({ type: 'TaskAddedToProject', data: { projectId, taskId, at } });
const taskCreated = (taskId: string, projectId: string): TaskEvent => ({
  type: 'TaskCreated',
  data: { taskId, ownerId: me, title: taskId, description: '', isCompleted: false, projectId, sessionId, at },
});
const states = (projects: Record<string, ProjectState>, tasks: Record<string, TaskState>): PushStates => ({
  projects: new Map(Object.entries(projects)),
  tasks: new Map(Object.entries(tasks)),
});
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as PushedRecordsRefused;
  }
  throw new Error('expected the push to be refused');
};

describe('a sync push', () => {
  it('creates a project and a task in it together, filing the task in the project', () => {
    const push = emptyPush();
    push.projects.saved.push({ id: P, fields: { name: 'Home' } });
    push.tasks.saved.push({ id: T1, fields: { title: 'Milk', projectId: P } });
    const decided = decideSyncPush(push, states({ [P]: project() }, { [T1]: task() }), origin, at);
    expect(decided.projects.get(P)).toEqual([
      { type: 'ProjectCreated', data: { projectId: P, ownerId: me, name: 'Home', description: '', sessionId, at } },
      { type: 'TaskAddedToProject', data: { projectId: P, taskId: T1, at } },
    ]);
    expect(decided.tasks.get(T1)).toEqual([
      { type: 'TaskCreated', data: { taskId: T1, ownerId: me, title: 'Milk', description: '', isCompleted: false, projectId: P, sessionId, at } },
    ]);
  });

  it('names the streams to load: pushed records, then the project a task stays in, then the tasks of a deleted project', () => {
    const push = emptyPush();
    push.tasks.saved.push({ id: T1, fields: { isCompleted: true } });
    push.projects.deleted.push(Q);
    expect(streamsToLoad(push, states({}, {}))).toEqual({ projects: [Q], tasks: [T1] });
    const known = states({ [Q]: project(projectCreated(Q), filed(Q, T2)) }, { [T1]: task(taskCreated(T1, P)) });
    expect(streamsToLoad(push, known)).toEqual({ projects: [P], tasks: [T2] });
    const all = states(
      { [Q]: project(projectCreated(Q), filed(Q, T2)), [P]: project(projectCreated(P)) },
      { [T1]: task(taskCreated(T1, P)), [T2]: task(taskCreated(T2, Q)) },
    );
    expect(streamsToLoad(push, all)).toEqual({ projects: [], tasks: [] });
  });

  it('deletes the tasks of a deleted project, those not pushed too, but not a task that moved to another project', () => {
    const push = emptyPush();
    push.projects.deleted.push(P);
    const known = states(
      { [P]: project(projectCreated(P), filed(P, T1), filed(P, T2), filed(P, T3)) },
      {
        [T1]: task(taskCreated(T1, P)),
        [T2]: task(taskCreated(T2, P), { type: 'TaskUpdated', data: { taskId: T2, projectId: Q, at } }),
        [T3]: task(taskCreated(T3, P), { type: 'TaskDeleted', data: { taskId: T3, cause: 'request', at } }),
      },
    );
    const decided = decideSyncPush(push, known, origin, at);
    expect(decided.projects.get(P)).toEqual([{ type: 'ProjectDeleted', data: { projectId: P, at } }]);
    expect([...decided.tasks.keys()]).toEqual([T1]);
    expect(decided.tasks.get(T1)).toEqual([{ type: 'TaskDeleted', data: { taskId: T1, cause: 'project_deleted', at } }]);
  });

  it('deletes with its project a task the same push files in it', () => {
    const push = emptyPush();
    push.tasks.saved.push({ id: T1, fields: { title: 'Late', projectId: P } });
    push.projects.deleted.push(P);
    const decided = decideSyncPush(push, states({ [P]: project(projectCreated(P)) }, { [T1]: task() }), origin, at);
    expect(decided.tasks.get(T1)?.map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
    expect(decided.projects.get(P)?.map((e) => e.type)).toEqual(['TaskAddedToProject', 'ProjectDeleted']);
  });

  it('names the record it refuses, with the rule', () => {
    const push = emptyPush();
    push.tasks.saved.push({ id: T1, fields: { title: 'Edited offline' } });
    const deleted = task(taskCreated(T1, ''), { type: 'TaskDeleted', data: { taskId: T1, cause: 'request', at } });
    const error = refusal(() => decideSyncPush(push, states({}, { [T1]: deleted }), origin, at));
    expect(error).toBeInstanceOf(PushedRecordsRefused);
    expect(error).toMatchObject({ kind: 'conflict', rule: 'DeletedTasksStayDeleted', records: [{ table: 'tasks', id: T1 }] });
  });

  it("answers a task filed in another user's project, deleted or not, as one filed in a project that does not exist", () => {
    const push = emptyPush();
    push.tasks.saved.push({ id: T1, fields: { title: 'Sneaky', projectId: P } });
    const theirs = projectCreated(P, 'someone else');
    const answers = [project(theirs), project(theirs, { type: 'ProjectDeleted', data: { projectId: P, at } }), project()].map((state) => {
      const error = refusal(() => decideSyncPush(push, states({ [P]: state }, { [T1]: task() }), origin, at));
      return { kind: error.kind, rule: error.rule, message: error.message, records: error.records };
    });
    expect(answers[0]).toEqual({
      kind: 'not_found',
      rule: 'TasksGoInExistingProjects',
      message: `task ${T1}: project ${P} not found`,
      records: [{ table: 'tasks', id: T1 }],
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('refuses a task whose project neither the server nor the push knows, writing nothing to that project', () => {
    const push = emptyPush();
    push.projects.saved.push({ id: Q, fields: { name: 'Known' } });
    push.tasks.saved.push({ id: T1, fields: { title: 'Fine', projectId: Q } }, { id: T2, fields: { title: 'Filed nowhere', projectId: P } });
    const error = refusal(() => decideSyncPush(push, states({ [P]: project(), [Q]: project() }, { [T1]: task(), [T2]: task() }), origin, at));
    expect(error).toMatchObject({ kind: 'not_found', rule: 'TasksGoInExistingProjects', records: [{ table: 'tasks', id: T2 }] });
  });

  it('deletes a task filed in a project the push deletes although the server never saw the project (created and deleted offline)', () => {
    const push = emptyPush();
    push.projects.deleted.push(P);
    push.tasks.saved.push({ id: T1, fields: { title: 'Orphan', projectId: P } });
    const decided = decideSyncPush(push, states({ [P]: project() }, { [T1]: task() }), origin, at);
    expect(decided.tasks.get(T1)?.map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
    expect(decided.tasks.get(T1)?.at(-1)).toEqual({ type: 'TaskDeleted', data: { taskId: T1, cause: 'project_deleted', at } });
    expect(decided.projects.has(P)).toBe(false);
  });

  it('saves, then deletes, a project saved and deleted in one push, and the tasks filed in it', () => {
    const push = emptyPush();
    push.projects.saved.push({ id: P, fields: { name: 'Brief' } });
    push.projects.deleted.push(P);
    push.tasks.saved.push({ id: T1, fields: { title: 'T', projectId: P } });
    const decided = decideSyncPush(push, states({ [P]: project() }, { [T1]: task() }), origin, at);
    expect(decided.projects.get(P)?.map((e) => e.type)).toEqual(['ProjectCreated', 'TaskAddedToProject', 'ProjectDeleted']);
    expect(decided.tasks.get(T1)?.map((e) => e.type)).toEqual(['TaskCreated', 'TaskDeleted']);
  });

  it('refuses a record saved twice, or deleted twice', () => {
    const savedTwice = emptyPush();
    savedTwice.tasks.saved.push({ id: T1, fields: { title: 'A' } }, { id: T1, fields: { title: 'B' } });
    expect(refusal(() => decideSyncPush(savedTwice, states({}, { [T1]: task() }), origin, at))).toMatchObject({
      kind: 'validation',
      rule: 'RecordsAppearOnceInAPush',
      records: [{ table: 'tasks', id: T1 }],
    });
    const deletedTwice = emptyPush();
    deletedTwice.projects.deleted.push(P, P);
    expect(refusal(() => decideSyncPush(deletedTwice, states({ [P]: project() }, {}), origin, at))).toMatchObject({
      rule: 'RecordsAppearOnceInAPush',
      records: [{ table: 'projects', id: P }],
    });
  });
});
