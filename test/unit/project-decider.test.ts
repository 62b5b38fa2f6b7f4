import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { projectDecider, ProjectEvent } from '../../src/domain/projects/project.decider';

const spec = deciderSpec(projectDecider);
const at = '2026-11-21T10:00:00.000Z';
const projectId = 'Pr0jectAAAAAAAAA';
const owner = 'owner-1';
const stranger = 'stranger';
const sessionId = 'phone-session';

const created: ProjectEvent = { type: 'ProjectCreated', data: { projectId, ownerId: owner, name: 'Home', description: 'chores', sessionId, at } };
const deleted: ProjectEvent = { type: 'ProjectDeleted', data: { projectId, at } };
const filed = (taskId: string): ProjectEvent => ({ type: 'TaskAddedToProject', data: { projectId, taskId, at } });
const save = (fields: { name?: string; description?: string }, actorId = owner, id = projectId) => ({
  type: 'SaveProject' as const,
  data: { projectId: id, fields, actorId, sessionId, at },
});
const remove = (actorId = owner) => ({ type: 'DeleteProject' as const, data: { projectId, actorId, at } });
const file = (taskId: string, actorId = owner) => ({ type: 'FileTaskInProject' as const, data: { projectId, taskId, actorId, at } });

describe('project decider', () => {
  describe('saving', () => {
    it('creates an unknown project, owned by whoever saves it', () =>
      spec
        .given([])
        .when(save({ name: 'Home', description: 'chores' }))
        .then([created]));
    it('creates it with empty fields where none are given', () =>
      spec
        .given([])
        .when(save({ name: 'Home' }))
        .then([{ type: 'ProjectCreated', data: { projectId, ownerId: owner, name: 'Home', description: '', sessionId, at } }]));
    it('accepts only client ids of the WatermelonDB shape', () =>
      spec
        .given([])
        .when(save({ name: 'x' }, owner, 'not-a-watermelon-id'))
        .thenFails('RecordIdsAreWatermelonIds'));
    it('updates a project that exists, with the fields that changed only', () =>
      spec
        .given([created])
        .when(save({ name: 'House', description: 'chores' }))
        .then([{ type: 'ProjectUpdated', data: { projectId, name: 'House', at } }]));
    it('records nothing when nothing changed', () =>
      spec
        .given([created])
        .when(save({ name: 'Home' }))
        .then([]));
    it('keeps a deleted project deleted', () =>
      spec
        .given([created, deleted])
        .when(save({ name: 'Again' }))
        .thenFails('DeletedProjectsStayDeleted'));
    it("answers another user's project as not found", () =>
      spec
        .given([created])
        .when(save({ name: 'Mine now' }, stranger))
        .thenFails('UsersSeeOnlyTheirOwnRecords'));
    it('creates a project whose stream so far only lists tasks filed in it, keeping them', () =>
      spec
        .given([filed('TaskAAAAAAAAAAAA')])
        .when(save({ name: 'Home', description: 'chores' }))
        .then([created]));
  });

  describe('deleting', () => {
    it('deletes a project', () => spec.given([created]).when(remove()).then([deleted]));
    it('ignores a project it does not know', () => spec.given([]).when(remove()).then([]));
    it('ignores a project deleted already', () => spec.given([created, deleted]).when(remove()).then([]));
    it("answers a deletion of another user's project as not found", () => {
      spec.given([created]).when(remove(stranger)).thenFails('UsersSeeOnlyTheirOwnRecords');
      spec.given([created, deleted]).when(remove(stranger)).thenFails('UsersSeeOnlyTheirOwnRecords');
    });
  });

  describe('filing tasks', () => {
    it('records a task filed in the project, once', () => {
      spec
        .given([created])
        .when(file('TaskAAAAAAAAAAAA'))
        .then([filed('TaskAAAAAAAAAAAA')]);
      spec
        .given([created, filed('TaskAAAAAAAAAAAA')])
        .when(file('TaskAAAAAAAAAAAA'))
        .then([]);
    });
    it('refuses a task filed in a project not created (yet): whoever creates it later would get the task', () =>
      spec.given([]).when(file('TaskAAAAAAAAAAAA')).thenFails('TasksGoInExistingProjects'));
    it('records nothing for a deleted project', () => spec.given([created, deleted]).when(file('TaskAAAAAAAAAAAA')).then([]));
    it("answers a task filed in another user's project as one filed in a project that does not exist", () => {
      spec.given([created]).when(file('TaskAAAAAAAAAAAA', stranger)).thenFails('TasksGoInExistingProjects');
      spec.given([created, deleted]).when(file('TaskAAAAAAAAAAAA', stranger)).thenFails('TasksGoInExistingProjects');
    });
  });
});
