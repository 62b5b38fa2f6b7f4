/**
 * A user's project (`project-<id>` streams, the id chosen by the client). Saving is an upsert, as
 * the sync protocol wants it: saving a project that exists updates it, saving an unknown one
 * creates it, but a deleted project stays deleted. Creation records the session (the device) it
 * came from, which has the project already when it next pulls. The stream also records every task ever filed
 * in the project, so that deleting it finds all of its tasks, even those filed a moment ago. Tasks are
 * filed only in a project that exists: a task filed under an id nobody has created yet would wait
 * there for whoever creates it, another user perhaps, who would never see it.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { conflict, invalid } from '../errors';
import { changedFields, givenFields } from './field-changes';
import { projectOfTaskNotFound, recordNotFound } from './not-found';
import { isRecordId } from './record-id';

export const projectStream = (projectId: string) => `project-${projectId}`;

export type ProjectFields = {
  name: string;
  description: string;
};

export type ProjectCommand =
  | { type: 'SaveProject'; data: { projectId: string; fields: Partial<ProjectFields>; actorId: string; sessionId: string; at: string } }
  | { type: 'DeleteProject'; data: { projectId: string; actorId: string; at: string } }
  | { type: 'FileTaskInProject'; data: { projectId: string; taskId: string; actorId: string; at: string } };

export type ProjectEvent =
  | { type: 'ProjectCreated'; data: { projectId: string; ownerId: string; name: string; description: string; sessionId: string; at: string } }
  | { type: 'ProjectUpdated'; data: { projectId: string; at: string } & Partial<ProjectFields> }
  | { type: 'ProjectDeleted'; data: { projectId: string; at: string } }
  | { type: 'TaskAddedToProject'; data: { projectId: string; taskId: string; at: string } };

export type ProjectState =
  | { status: 'none'; taskIds: ReadonlySet<string> }
  | ({ status: 'active'; ownerId: string; taskIds: ReadonlySet<string> } & ProjectFields)
  | { status: 'deleted'; ownerId: string; taskIds: ReadonlySet<string> };

const EMPTY_PROJECT: ProjectFields = { name: '', description: '' };

export const projectDecider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
  eventTypes: eventTypes<ProjectEvent>({ ProjectCreated: true, ProjectUpdated: true, ProjectDeleted: true, TaskAddedToProject: true }),
  initialState: () => ({ status: 'none', taskIds: new Set() }),

  evolve(state, event) {
    switch (event.type) {
      case 'ProjectCreated':
        return { status: 'active', ownerId: event.data.ownerId, name: event.data.name, description: event.data.description, taskIds: state.taskIds };
      case 'ProjectUpdated': {
        if (state.status !== 'active') return state;
        const { name = state.name, description = state.description } = event.data;
        return { ...state, name, description };
      }
      case 'ProjectDeleted':
        return state.status === 'active' ? { status: 'deleted', ownerId: state.ownerId, taskIds: state.taskIds } : state;
      case 'TaskAddedToProject':
        return { ...state, taskIds: new Set([...state.taskIds, event.data.taskId]) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { projectId, actorId, at } = command.data;
    const othersProject = state.status !== 'none' && state.ownerId !== actorId;
    // A task filed in another user's project is told the same as one filed in a project that does not exist.
    if (command.type === 'FileTaskInProject' && (othersProject || state.status === 'none')) throw projectOfTaskNotFound(command.data.taskId, projectId);
    if (othersProject) throw recordNotFound('project', projectId);
    switch (command.type) {
      case 'SaveProject': {
        if (state.status === 'deleted') throw conflict('DeletedProjectsStayDeleted', `project ${projectId} was deleted`);
        if (state.status === 'none') {
          if (!isRecordId(projectId)) throw invalid('RecordIdsAreWatermelonIds', `${projectId} is not 16 letters and digits`);
          const { sessionId, fields } = command.data;
          return [{ type: 'ProjectCreated', data: { projectId, ownerId: actorId, ...EMPTY_PROJECT, ...givenFields(fields), sessionId, at } }];
        }
        const changed = changedFields(state, command.data.fields);
        return Object.keys(changed).length === 0 ? [] : [{ type: 'ProjectUpdated', data: { projectId, ...changed, at } }];
      }
      case 'DeleteProject':
        // Deleting what is not there (any more) is done already.
        return state.status === 'active' ? [{ type: 'ProjectDeleted', data: { projectId, at } }] : [];
      case 'FileTaskInProject':
        if (state.status === 'deleted' || state.taskIds.has(command.data.taskId)) return [];
        return [{ type: 'TaskAddedToProject', data: { projectId, taskId: command.data.taskId, at } }];
      default:
        return assertNever(command);
    }
  },
};
