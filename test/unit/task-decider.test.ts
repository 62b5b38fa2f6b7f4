import { describe, expect, it } from 'vitest';
import { fold } from '../../src/domain/decider';
import { deciderSpec } from '../support/decider-spec';
import { ProjectOfTask, taskDecider, TaskEvent, TaskFields } from '../../src/domain/projects/task.decider';

const spec = deciderSpec(taskDecider);
const at = '2026-11-21T10:00:00.000Z';
const taskId = 'TaskAAAAAAAAAAAA';
const projectId = 'Pr0jectAAAAAAAAA';
const owner = 'owner-1';
const stranger = 'stranger';
const sessionId = 'phone-session';

const created: TaskEvent = {
  type: 'TaskCreated',
  data: { taskId, ownerId: owner, title: 'Milk', description: '', isCompleted: false, projectId, sessionId, at },
};
const deletedOnRequest: TaskEvent = { type: 'TaskDeleted', data: { taskId, cause: 'request', at } };
const save = (fields: Partial<TaskFields>, project: ProjectOfTask = 'owned', actorId = owner, id = taskId) => ({
  type: 'SaveTask' as const,
  data: { taskId: id, fields, project, actorId, sessionId, at },
});
const remove = (actorId = owner) => ({ type: 'DeleteTask' as const, data: { taskId, cause: 'request' as const, actorId, at } });

describe('task decider', () => {
  describe('saving', () => {
    it('creates an unknown task, with defaults for the fields not given', () =>
      spec
        .given([])
        .when(save({ title: 'Milk', projectId }))
        .then([created]));
    it('accepts only client ids of the WatermelonDB shape', () =>
      spec
        .given([])
        .when(save({ title: 'Milk' }, 'none', owner, 'task/../1'))
        .thenFails('RecordIdsAreWatermelonIds'));
    it('names its project by a project id, or by none', () => {
      spec
        .given([])
        .when(save({ title: 'Milk', projectId: "x'; drop" }, 'missing'))
        .thenFails('TasksNameTheirProjectById');
      spec
        .given([])
        .when(save({ title: 'Milk', projectId: '' }, 'none'))
        .then([{ type: 'TaskCreated', data: { taskId, ownerId: owner, title: 'Milk', description: '', isCompleted: false, projectId: '', sessionId, at } }]);
    });
    it('updates a task that exists, with the fields that changed only', () =>
      spec
        .given([created])
        .when(save({ title: 'Milk', isCompleted: true }))
        .then([{ type: 'TaskUpdated', data: { taskId, isCompleted: true, at } }]));
    it('records nothing when nothing changed', () =>
      spec
        .given([created])
        .when(save({ title: 'Milk', isCompleted: false }))
        .then([]));
    it('keeps a deleted task deleted', () =>
      spec
        .given([created, deletedOnRequest])
        .when(save({ title: 'Again' }))
        .thenFails('DeletedTasksStayDeleted'));
    it("answers another user's task as not found", () => {
      spec
        .given([created])
        .when(save({ title: 'Mine' }, 'owned', stranger))
        .thenFails('UsersSeeOnlyTheirOwnRecords');
      expect(() => taskDecider.decide(save({ title: 'Mine' }, 'owned', stranger), fold(taskDecider, [created]))).toThrow(`task ${taskId} not found`);
    });
    it("refuses a task filed in a project that does not exist, or is not the user's (which looks the same)", () => {
      spec
        .given([])
        .when(save({ title: 'Milk', projectId }, 'missing'))
        .thenFails('TasksGoInExistingProjects');
      spec
        .given([created])
        .when(save({ projectId: 'Pr0jectBBBBBBBBB' }, 'missing'))
        .thenFails('TasksGoInExistingProjects');
    });
    it('keeps a task filed in a missing project before that was refused, so that its owner can still edit it', () =>
      spec
        .given([created])
        .when(save({ title: 'Oat milk', projectId }, 'missing'))
        .then([{ type: 'TaskUpdated', data: { taskId, title: 'Oat milk', at } }]));
    it('deletes a task saved into a deleted project at once, as the deletion of the project would have', () =>
      spec
        .given([])
        .when(save({ title: 'Milk', projectId }, 'deleted'))
        .then([created, { type: 'TaskDeleted', data: { taskId, cause: 'project_deleted', at } }]));
  });

  describe('deleting', () => {
    it('deletes a task', () => spec.given([created]).when(remove()).then([deletedOnRequest]));
    it('ignores a task it does not know, or deleted already', () => {
      spec.given([]).when(remove()).then([]);
      spec.given([created, deletedOnRequest]).when(remove()).then([]);
    });
    it("answers a deletion of another user's task as not found", () => spec.given([created]).when(remove(stranger)).thenFails('UsersSeeOnlyTheirOwnRecords'));
  });
});
