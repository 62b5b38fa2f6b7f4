/**
 * The WatermelonDB schema the sync protocol serves, version by version, as the mobile app's own
 * schema and migrations declare it: raw table and column names. A client reports its version and,
 * after a local migration, the version it last synced at; the pull then adds what those versions
 * lack (sync-pull.queries.ts). Columns are listed with the value WatermelonDB gives a non-optional
 * column of their type by default, which tells the pull which records carry a value worth sending.
 */
import type { SyncTable } from '../../domain/projects/pushed-records-refused';

export const SYNC_COLUMNS = {
  projects: { name: '', description: '' },
  tasks: { title: '', description: '', project_id: '', is_completed: false },
} as const satisfies Record<SyncTable, Record<string, string | boolean>>;

export type SyncColumn<T extends SyncTable> = keyof (typeof SYNC_COLUMNS)[T] & string;

type SchemaStep =
  { version: number; createTable: SyncTable; columns: readonly string[] } | { version: number; addColumns: SyncTable; columns: readonly string[] };

/** Version 1 had projects only; tasks came with version 2, whether they are done with version 3. */
export const SYNC_SCHEMA_HISTORY: readonly SchemaStep[] = [
  { version: 1, createTable: 'projects', columns: ['name', 'description'] },
  { version: 2, createTable: 'tasks', columns: ['title', 'description', 'project_id'] },
  { version: 3, addColumns: 'tasks', columns: ['is_completed'] },
];

export const CURRENT_SYNC_SCHEMA_VERSION = Math.max(...SYNC_SCHEMA_HISTORY.map((step) => step.version));

/** The tables a client at `version` has. */
export function tablesAt(version: number): SyncTable[] {
  return SYNC_SCHEMA_HISTORY.flatMap((step) => ('createTable' in step && step.version <= version ? [step.createTable] : []));
}

export interface SchemaChanges {
  /** Tables the client created since `from`: it needs all of their records. */
  tables: SyncTable[];
  /** Columns added since `from` to tables it had already: it needs every record with a value there. */
  columns: Partial<Record<SyncTable, string[]>>;
}

/** What the client's schema gained after `from`, up to `to`: WatermelonDB's migration, as the server knows it. */
export function schemaChangesBetween(from: number, to: number): SchemaChanges {
  const steps = SYNC_SCHEMA_HISTORY.filter((step) => step.version > from && step.version <= to);
  const tables = steps.flatMap((step) => ('createTable' in step ? [step.createTable] : []));
  const columns: SchemaChanges['columns'] = {};
  for (const step of steps) {
    if ('addColumns' in step && !tables.includes(step.addColumns)) columns[step.addColumns] = [...(columns[step.addColumns] ?? []), ...step.columns];
  }
  return { tables, columns };
}
