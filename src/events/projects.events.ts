/** The projects context's events: offline-synced projects and tasks. */
import { z } from 'zod';
import type { ProjectEvent } from '../domain/projects/project.decider';
import type { TaskEvent } from '../domain/projects/task.decider';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant } from './schemas';

const projectFields = { name: z.string(), description: z.string() };
const taskFields = { title: z.string(), description: z.string(), isCompleted: z.boolean(), projectId: z.string() };

export const projectEvents: EventCatalog<ProjectEvent> = {
  ProjectCreated: firstVersion(z.strictObject({ projectId: id, ownerId: id, sessionId: z.string(), at: instant, ...projectFields })),
  ProjectUpdated: firstVersion(z.strictObject({ projectId: id, at: instant, ...z.strictObject(projectFields).partial().shape })),
  ProjectDeleted: firstVersion(z.strictObject({ projectId: id, at: instant })),
  TaskAddedToProject: firstVersion(z.strictObject({ projectId: id, taskId: id, at: instant })),
};

export const taskEvents: EventCatalog<TaskEvent> = {
  TaskCreated: firstVersion(z.strictObject({ taskId: id, ownerId: id, sessionId: z.string(), at: instant, ...taskFields })),
  TaskUpdated: firstVersion(z.strictObject({ taskId: id, at: instant, ...z.strictObject(taskFields).partial().shape })),
  TaskDeleted: firstVersion(z.strictObject({ taskId: id, cause: z.enum(['request', 'project_deleted']), at: instant })),
};
