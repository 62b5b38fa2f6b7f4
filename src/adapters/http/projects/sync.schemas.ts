/**
 * The WatermelonDB sync protocol at the edge: query parameters, and pushed changes as raw records
 * (the client schema's table and column names, `_status`/`_changed` ignored). Only the tables and
 * columns of the sync schema are accepted, ids only of WatermelonDB's shape; a missing text or flag
 * (null) is read as WatermelonDB reads it, as the column's default.
 */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { RECORD_ID_PATTERN } from '../../../domain/projects/record-id';
import type { SyncPush } from '../../../domain/projects/sync-push';
import { MAX_EVENTS_PER_PUSH } from '../../../commands/projects/push-sync-changes.handler';
import { CURRENT_SYNC_SCHEMA_VERSION } from '../../../projections/projects/sync-schema';

/** `null`, `undefined`, empty and absent all mean "never": WatermelonDB's first sync sends `lastPulledAt=null`. */
const nothing = (value: unknown) => (value === undefined || value === '' || value === 'null' || value === 'undefined' ? null : value);

const lastPulledAt = z
  .preprocess(nothing, z.coerce.number().int().nonnegative().nullable())
  .describe("The `timestamp` of the client's last pull; null or 0 on its first sync");

const jsonParameter = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // and the schema says what is wrong with it
  }
};

const migration = z
  .object({
    from: z.number().int().nonnegative(),
    tables: z.array(z.string().max(100)).max(100),
    columns: z.array(z.object({ table: z.string().max(100), columns: z.array(z.string().max(100)).max(100) })).max(100),
  })
  .nullable();

export class PullParams extends createZodDto(
  z.object({
    lastPulledAt,
    schemaVersion: z
      .preprocess((value) => nothing(value) ?? CURRENT_SYNC_SCHEMA_VERSION, z.coerce.number().int().min(1))
      .transform((version) => Math.min(version, CURRENT_SYNC_SCHEMA_VERSION)) // a newer client is served what this server has
      .describe("The client's schema version"),
    migration: z.preprocess((value) => jsonParameter(nothing(value)), migration).describe("WatermelonDB's migration sync as JSON: {from, tables, columns}"),
  }),
) {}

export class PushParams extends createZodDto(z.object({ lastPulledAt })) {}

const recordId = z.string().regex(RECORD_ID_PATTERN, 'a WatermelonDB id: 16 letters and digits');
const text = (max: number) =>
  z
    .string()
    .max(max)
    .nullable()
    .transform((value) => value ?? '');
const syncStatus = { _status: z.string().max(20).optional(), _changed: z.string().max(2000).optional() };

const rawProject = z.strictObject({ id: recordId, name: text(1000).optional(), description: text(100_000).optional(), ...syncStatus });
const rawTask = z.strictObject({
  id: recordId,
  title: text(1000).optional(),
  description: text(100_000).optional(),
  is_completed: z
    .boolean()
    .nullable()
    .transform((value) => value ?? false)
    .optional(),
  project_id: z
    .union([recordId, z.literal('')])
    .nullable()
    .transform((value) => value ?? '')
    .optional(),
  ...syncStatus,
});

const tableChanges = <R extends z.ZodType>(record: R) =>
  z.strictObject({ created: z.array(record).default([]), updated: z.array(record).default([]), deleted: z.array(recordId).default([]) });

const changes = z.strictObject({ projects: tableChanges(rawProject).optional(), tasks: tableChanges(rawTask).optional() });

const recordCount = (c: z.infer<typeof changes>) =>
  [c.projects, c.tasks].reduce((sum, table) => sum + (table ? table.created.length + table.updated.length + table.deleted.length : 0), 0);

export class PushBody extends createZodDto(
  z.object({
    changes: changes.refine((c) => recordCount(c) <= MAX_EVENTS_PER_PUSH, `at most ${MAX_EVENTS_PER_PUSH} records per push`),
  }),
) {}

/** Pushed raw records as the domain reads them: created and updated alike are saved. */
export function toSyncPush(pushed: PushBody['changes']): SyncPush {
  const projects = pushed.projects ?? { created: [], updated: [], deleted: [] };
  const tasks = pushed.tasks ?? { created: [], updated: [], deleted: [] };
  return {
    projects: {
      saved: [...projects.created, ...projects.updated].map(({ id, name, description }) => ({ id, fields: { name, description } })),
      deleted: projects.deleted,
    },
    tasks: {
      saved: [...tasks.created, ...tasks.updated].map(({ id, title, description, is_completed, project_id }) => ({
        id,
        fields: { title, description, isCompleted: is_completed, projectId: project_id },
      })),
      deleted: tasks.deleted,
    },
  };
}
