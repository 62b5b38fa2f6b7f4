/**
 * What one sync push does, decided as a whole: the projects and tasks a client created, updated
 * and deleted offline, each applied through its decider in an order that lets a push create a
 * project and its tasks together, or delete a project with its tasks. Deleting a project deletes
 * every task of it, those the client did not know of too. The result is the events of each stream,
 * to be appended all at once or not at all.
 *
 * The outcome does not depend on when the client synced: a task filed in a project that the same
 * push deletes is deleted with it, whether the server ever saw the project or not (WatermelonDB
 * pushes a project created and deleted offline as a deletion alone), and a record saved and deleted
 * in one push is saved, then deleted, as two pushes would have done. A task filed in a project that
 * neither the server nor the push knows is refused.
 */
import { DomainError, invalid } from '../errors';
import { ProjectCommand, projectDecider, ProjectEvent, ProjectFields, ProjectState } from './project.decider';
import { ProjectOfTask, TaskCommand, taskDecider, TaskEvent, TaskFields, TaskState } from './task.decider';
import { PushedRecordsRefused, RecordRef, SyncTable } from './pushed-records-refused';

export interface SavedRecord<Fields> {
  id: string;
  fields: Partial<Fields>;
}

/** Created and updated records alike are saved: the deciders create what does not exist yet. */
export interface SyncPush {
  projects: { saved: SavedRecord<ProjectFields>[]; deleted: string[] };
  tasks: { saved: SavedRecord<TaskFields>[]; deleted: string[] };
}

export interface PushStates {
  projects: ReadonlyMap<string, ProjectState>;
  tasks: ReadonlyMap<string, TaskState>;
}

export interface PushDecision {
  /** Events by project id, for the streams that change. */
  projects: Map<string, ProjectEvent[]>;
  tasks: Map<string, TaskEvent[]>;
}

export interface StreamIds {
  projects: string[];
  tasks: string[];
}

/** Every record the push names, once each: the records whose server versions it must not overwrite unseen. */
export function pushedRecords(push: SyncPush): RecordRef[] {
  const ids = (table: SyncTable) => [...new Set([...push[table].saved.map((r) => r.id), ...push[table].deleted])].map((id) => ({ table, id }));
  return [...ids('projects'), ...ids('tasks')];
}

/**
 * The streams deciding the push needs whose state `states` lacks: the records pushed, the projects
 * tasks are saved into (which depends on the tasks' states) and the tasks of deleted projects (which
 * depends on the projects' states). Load them and ask again, until nothing is missing.
 */
export function streamsToLoad(push: SyncPush, states: PushStates): StreamIds {
  const projects = new Set([...push.projects.saved.map((r) => r.id), ...push.projects.deleted]);
  const tasks = new Set([...push.tasks.saved.map((r) => r.id), ...push.tasks.deleted]);
  for (const { id, fields } of push.tasks.saved) {
    const task = states.tasks.get(id);
    const projectId = task && projectOfSaved(fields, task);
    if (projectId) projects.add(projectId);
  }
  for (const id of push.projects.deleted) for (const taskId of states.projects.get(id)?.taskIds ?? []) tasks.add(taskId);
  return { projects: [...projects].filter((id) => !states.projects.has(id)), tasks: [...tasks].filter((id) => !states.tasks.has(id)) };
}

/** Who pushes: the user, and the session (the device) the push comes from. */
export interface PushOrigin {
  actorId: string;
  sessionId: string;
}

export function decideSyncPush(push: SyncPush, states: PushStates, { actorId, sessionId }: PushOrigin, at: string): PushDecision {
  const repeated = repeatedRecords(push);
  if (repeated.length > 0)
    throw new PushedRecordsRefused(invalid('RecordsAppearOnceInAPush', 'a record is saved (created or updated) once per push, and deleted once'), repeated);
  const pushing = new PushInProgress(states);

  for (const { id, fields } of push.projects.saved) pushing.project({ type: 'SaveProject', data: { projectId: id, fields, actorId, sessionId, at } });
  const deletedByPush = new Set(push.projects.deleted);
  for (const { id, fields } of push.tasks.saved) {
    const projectId = projectOfSaved(fields, pushing.taskState(id));
    const project = projectId ? projectAsSeenBy(pushing.projectState(projectId), actorId, deletedByPush.has(projectId)) : 'none';
    pushing.task({ type: 'SaveTask', data: { taskId: id, fields, project, actorId, sessionId, at } });
    if (project === 'owned') pushing.project({ type: 'FileTaskInProject', data: { projectId, taskId: id, actorId, at } });
  }
  for (const id of push.tasks.deleted) pushing.task({ type: 'DeleteTask', data: { taskId: id, cause: 'request', actorId, at } });
  for (const id of push.projects.deleted) {
    const deleted = pushing.project({ type: 'DeleteProject', data: { projectId: id, actorId, at } });
    if (deleted.length === 0) continue;
    for (const taskId of pushing.projectState(id).taskIds) {
      const task = pushing.taskState(taskId);
      // The project's stream lists every task ever filed in it; some have moved on since.
      if (task.status === 'active' && task.projectId === id && task.ownerId === actorId) {
        pushing.task({ type: 'DeleteTask', data: { taskId, cause: 'project_deleted', actorId, at } });
      }
    }
  }
  return pushing.decision;
}

/** The states as the push's commands so far left them, and the events they produced. */
class PushInProgress {
  private readonly projects: Map<string, ProjectState>;
  private readonly tasks: Map<string, TaskState>;
  readonly decision: PushDecision = { projects: new Map(), tasks: new Map() };

  constructor(states: PushStates) {
    this.projects = new Map(states.projects);
    this.tasks = new Map(states.tasks);
  }

  projectState(id: string): ProjectState {
    return loaded(this.projects, 'projects', id);
  }

  taskState(id: string): TaskState {
    return loaded(this.tasks, 'tasks', id);
  }

  task(command: TaskCommand): TaskEvent[] {
    const id = command.data.taskId;
    return decideFor(
      'tasks',
      id,
      () => taskDecider.decide(command, this.taskState(id)),
      (events) => {
        this.tasks.set(id, events.reduce(taskDecider.evolve, this.taskState(id)));
        this.decision.tasks.set(id, [...(this.decision.tasks.get(id) ?? []), ...events]);
      },
    );
  }

  project(command: ProjectCommand): ProjectEvent[] {
    const id = command.data.projectId;
    return decideFor(
      'projects',
      id,
      () => projectDecider.decide(command, this.projectState(id)),
      (events) => {
        this.projects.set(id, events.reduce(projectDecider.evolve, this.projectState(id)));
        this.decision.projects.set(id, [...(this.decision.projects.get(id) ?? []), ...events]);
      },
    );
  }
}

function decideFor<E>(table: SyncTable, id: string, decide: () => E[], apply: (events: E[]) => void): E[] {
  let events: E[];
  try {
    events = decide();
  } catch (error) {
    if (error instanceof DomainError && !(error instanceof PushedRecordsRefused)) throw new PushedRecordsRefused(error, [{ table, id }]);
    throw error;
  }
  if (events.length > 0) apply(events);
  return events;
}

function loaded<S>(states: ReadonlyMap<string, S>, table: SyncTable, id: string): S {
  const state = states.get(id);
  if (state === undefined) throw new Error(`${table} ${id} was not loaded: load what streamsToLoad names first`);
  return state;
}

/** The project a saved task ends up in: the one the push names, else the one it is in ('' for none). */
function projectOfSaved(fields: Partial<TaskFields>, task: TaskState): string {
  return fields.projectId ?? (task.status === 'active' ? task.projectId : '');
}

/**
 * A project the server never saw but the push deletes was created and deleted offline: its tasks
 * go the way they would have gone had the client synced in between, deleted with it.
 */
function projectAsSeenBy(project: ProjectState, actorId: string, deletedByPush: boolean): ProjectOfTask {
  if (project.status === 'none') return deletedByPush ? 'deleted' : 'missing';
  if (project.ownerId !== actorId) return 'missing';
  return project.status === 'deleted' ? 'deleted' : 'owned';
}

/** Records saved twice, or deleted twice: which of the two the client meant cannot be told. */
function repeatedRecords(push: SyncPush): RecordRef[] {
  const twice = (table: SyncTable, ids: readonly string[]) => ids.filter((id, index) => ids.indexOf(id) !== index).map((id) => ({ table, id }));
  return (['projects', 'tasks'] as const).flatMap((table) => [
    ...twice(
      table,
      push[table].saved.map((r) => r.id),
    ),
    ...twice(table, push[table].deleted),
  ]);
}
