/**
 * What a user is told of a record that is not there for them. Another user's project or task is
 * answered as one that does not exist (not found, never forbidden), so that an id that leaks, or is
 * tried, confirms nothing; and a task names only a project of its owner's that exists.
 */
import { notFound } from '../errors';

export const recordNotFound = (kind: 'project' | 'task', id: string) => notFound('UsersSeeOnlyTheirOwnRecords', `${kind} ${id} not found`);

export const projectOfTaskNotFound = (taskId: string, projectId: string) =>
  notFound('TasksGoInExistingProjects', `task ${taskId}: project ${projectId} not found`);
