/**
 * Runs once before the suite: the services must be up, and this run's template database migrated.
 * Databases and streams of other runs are left alone unless they are hours old (interrupted runs).
 */
import { Client } from 'pg';
import { openPostgres } from '../../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { allProjections } from '../../src/projections/all-projections';
import { deleteStaleTestStreams } from './streams';
import { databaseUrl, newTestRunId, requireServices, runStartedAt, STALE_AFTER_SECONDS, TEST_DATABASE_URL } from './services';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  await requireServices();
  // Forked test workers inherit the environment, so every file of this run shares its id.
  const run = newTestRunId();
  process.env.SB_TEST_RUN = run;
  const template = `sb_tmpl_${run}`;
  const now = Date.now() / 1000;
  await deleteStaleTestStreams(STALE_AFTER_SECONDS);
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^sb_(test|tmpl)_'`);
    for (const { datname } of rows) {
      const started = runStartedAt(datname.replace(/^sb_(test|tmpl)_/, ''));
      if (!(now - started < STALE_AFTER_SECONDS)) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE ${template}`);
  });
  const database = openPostgres(databaseUrl(template), 1);
  try {
    await migrateToLatest(database.db, migrationsFor({ sqlEventStore: true, projections: allProjections }));
  } finally {
    await database.close();
  }
  return async () => {
    await admin(async (client) => {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
        `sb_test_${run}_%`,
        template,
      ]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
  };
}
