/**
 * A fresh, already-migrated PostgreSQL database per test file, cloned from a template that the
 * global setup migrates once (CREATE DATABASE … TEMPLATE is much faster than migrating).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openPostgres, Database } from '../../src/adapters/postgres/database';
import { TEMPLATE_DATABASE, TEST_DATABASE_URL, databaseUrl, testDatabasePrefix } from './services';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends Database {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(poolSize = 20): Promise<TestDatabase> {
  const name = `${testDatabasePrefix()}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  const url = databaseUrl(name);
  const database = openPostgres(url, poolSize);
  let dropped = false;
  return {
    ...database,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
