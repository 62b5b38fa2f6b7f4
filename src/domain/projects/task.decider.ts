/**
 * A user's task (`task-<id>` streams, the id chosen by the client), filed in one of the user's
 * projects or in none (`projectId` ''). Saving is an upsert, as for projects; a deleted task stays
 * deleted. Whether the task may go into its project is judged from the project's stream by the
 * caller and passed in (`project`): a project that does not exist, or is another user's (which must
 * look the same), is refused, and a task saved into a deleted project is deleted at once, because
 * deleting a project deletes its tasks. Creation records the session (the device) it came from, as
 * for projects. Another user's task is not found, as for projects (see not-found.ts).
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { conflict, invalid } from '../errors';
import { changedFields, givenFields } from './field-changes';
import { projectOfTaskNotFound, recordNotFound } from './not-found';
import { isRecordId } from './record-id';

export const taskStream = (taskId: string) => `task-${taskId}`;

export type TaskFields = {
  title: string;
  description: string;
  isCompleted: boolean;
  projectId: string;
};

/**
 * The project the task is in once saved, as its owner sees it: `none` when it is in no project,
 * `missing` when the project does not exist or is another user's (the two must look the same).
 */
export type ProjectOfTask = 'none' | 'owned' | 'deleted' | 'missing';

export type TaskDeletionCause = 'request' | 'project_deleted';

export type TaskCommand =
  | { type: 'SaveTask'; data: { taskId: string; fields: Partial<TaskFields>; project: ProjectOfTask; actorId: string; sessionId: string; at: string } }
  | { type: 'DeleteTask'; data: { taskId: string; cause: TaskDeletionCause; actorId: string; at: string } };

export type TaskEvent =
  | { type: 'TaskCreated'; data: { taskId: string; ownerId: string; sessionId: string; at: string } & TaskFields }
  | { type: 'TaskUpdated'; data: { taskId: string; at: string } & Partial<TaskFields> }
  | { type: 'TaskDeleted'; data: { taskId: string; cause: TaskDeletionCause; at: string } };

export type TaskState = { status: 'none' } | ({ status: 'active'; ownerId: string } & TaskFields) | { status: 'deleted'; ownerId: string };

const EMPTY_TASK: TaskFields = { title: '', description: '', isCompleted: false, projectId: '' };

export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
  eventTypes: eventTypes<TaskEvent>({ TaskCreated: true, TaskUpdated: true, TaskDeleted: true }),
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'TaskCreated': {
        const { ownerId, title, description, isCompleted, projectId } = event.data;
        return { status: 'active', ownerId, title, description, isCompleted, projectId };
      }
      case 'TaskUpdated': {
        if (state.status !== 'active') return state;
        const { taskId: _, at: __, ...changes } = event.data;
        return { ...state, ...changes };
      }
      case 'TaskDeleted':
        return state.status === 'active' ? { status: 'deleted', ownerId: state.ownerId } : state;
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { taskId, actorId, at } = command.data;
    if (state.status !== 'none' && state.ownerId !== actorId) throw recordNotFound('task', taskId);
    switch (command.type) {
      case 'SaveTask': {
        const { fields, project } = command.data;
        if (state.status === 'deleted') throw conflict('DeletedTasksStayDeleted', `task ${taskId} was deleted`);
        if (fields.projectId && !isRecordId(fields.projectId))
          throw invalid('TasksNameTheirProjectById', `task ${taskId}: ${fields.projectId} is not a project id`);
        // Only a task that goes into the project now is refused: one filed before this rule keeps its project.
        const filedNow = state.status === 'none' || (fields.projectId !== undefined && fields.projectId !== state.projectId);
        if (project === 'missing' && filedNow) throw projectOfTaskNotFound(taskId, fields.projectId ?? '');
        const saved: TaskEvent[] = [];
        if (state.status === 'none') {
          if (!isRecordId(taskId)) throw invalid('RecordIdsAreWatermelonIds', `${taskId} is not 16 letters and digits`);
          saved.push({ type: 'TaskCreated', data: { taskId, ownerId: actorId, ...EMPTY_TASK, ...givenFields(fields), sessionId: command.data.sessionId, at } });
        } else {
          const changed = changedFields(state, fields);
          if (Object.keys(changed).length > 0) saved.push({ type: 'TaskUpdated', data: { taskId, ...changed, at } });
        }
        if (project === 'deleted') saved.push({ type: 'TaskDeleted', data: { taskId, cause: 'project_deleted', at } });
        return saved;
      }
      case 'DeleteTask':
        return state.status === 'active' ? [{ type: 'TaskDeleted', data: { taskId, cause: command.data.cause, at } }] : [];
      default:
        return assertNever(command);
    }
  },
};
