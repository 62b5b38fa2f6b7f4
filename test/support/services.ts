/** Where the real services the tests talk to are, and a loud check that they are there. */
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const TEMPLATE_DATABASE = 'switchboard_template';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function requireServices(): Promise<void> {
  const problems: string[] = [];
  const pg = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (error) {
    problems.push(`PostgreSQL at ${TEST_DATABASE_URL}: ${(error as Error).message}`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000 });
    const info = nc.info;
    await nc.close();
    if (!info?.jetstream) problems.push(`NATS at ${TEST_NATS_URL} runs without JetStream (start it with -js)`);
  } catch (error) {
    problems.push(`NATS at ${TEST_NATS_URL}: ${(error as Error).message}`);
  }
  if (problems.length > 0) {
    throw new Error(`The tests need real PostgreSQL and NATS JetStream (bash .ci/run starts them):\n  ${problems.join('\n  ')}`);
  }
}
