/** Runs once before the suite: the services must be up, and the template database migrated. */
import { Client } from 'pg';
import { openPostgres } from '../../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { allProjections } from '../../src/projections/all-projections';
import { deleteTestStreams } from './streams';
import { TEMPLATE_DATABASE, TEST_DATABASE_URL, databaseUrl, requireServices } from './services';

export default async function setup(): Promise<void> {
  await requireServices();
  await deleteTestStreams();
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    // Leftovers of interrupted runs.
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'sb_test_%'`);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = openPostgres(databaseUrl(TEMPLATE_DATABASE), 1);
  try {
    await migrateToLatest(template.db, migrationsFor({ sqlEventStore: true, projections: allProjections }));
  } finally {
    await template.close();
  }
}
