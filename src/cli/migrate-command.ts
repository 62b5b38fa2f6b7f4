/** `migrate`: brings the event store and read-model schemas up to date (the app also does it at start-up). */
import { sql } from 'kysely';
import { withInfrastructure } from './cli-context';

export function migrateCommand(): Promise<void> {
  return withInfrastructure(async ({ mode, database }) => {
    // Opening the infrastructure migrated; report where things stand.
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db);
    console.log(`${mode}: ${rows.length} migrations applied (latest ${rows[rows.length - 1]?.name ?? 'none'})`);
  });
}
