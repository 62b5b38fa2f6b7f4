/** Where the real services the tests talk to are, and a loud check that they are there. */
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/**
 * Each test run names its databases with its own id (and the time it started), so two runs on one
 * machine never drop each other's; leftovers of interrupted runs are swept once they are old.
 */
export const TEST_RUN = process.env.SB_TEST_RUN ?? 'adhoc';
export const TEMPLATE_DATABASE = `sb_tmpl_${TEST_RUN}`;
export const testDatabasePrefix = () => `sb_test_${TEST_RUN}_`;
export const newTestRunId = () => `${Math.floor(Date.now() / 1000).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** A run id starts with its start time (seconds, base 36); a run older than this has ended. */
export const STALE_AFTER_SECONDS = 3 * 3600;
export const runStartedAt = (runId: string) => parseInt(runId.slice(0, 6), 36);

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
