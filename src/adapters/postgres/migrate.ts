/**
 * Runs the migrations of the event store (when it lives in SQL), the projector runtime and every
 * projection, through Kysely's migrator (which takes a lock, so concurrent starts are safe).
 */
import { Kysely, Migration, MigrationProvider, Migrator } from 'kysely';
import { eventStoreMigrations } from '../eventstore/postgres-event-store.migrations';
import { projectorMigrations } from '../../projections/runtime/projections.migrations';
import { credentialsMigrations } from '../auth/credentials.migrations';
import type { Projection } from '../../projections/runtime/projection';

export function migrationsFor(options: { sqlEventStore: boolean; projections: readonly Projection[] }): Record<string, Migration> {
  const all: Record<string, Migration> = { ...(options.sqlEventStore ? eventStoreMigrations : {}), ...projectorMigrations, ...credentialsMigrations };
  for (const projection of options.projections) {
    for (const [name, migration] of Object.entries(projection.migrations)) {
      if (all[name]) throw new Error(`migration ${name} of projection ${projection.name} is declared twice`);
      all[name] = migration;
    }
  }
  return all;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
