import { Client } from 'pg';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { freshDatabase } from '../support/database';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await freshDatabase();
  const store = new PostgresEventStore(database.db, { idlePollMs: 50 });
  const held: Client[] = [];
  return {
    store,
    async appendHeldOpen(stream, events, expected) {
      const client = new Client({ connectionString: database.url });
      held.push(client);
      await client.connect();
      await client.query('BEGIN');
      await client.query('SELECT * FROM sb_append($1, $2, $3::jsonb)', [stream, String(expected), JSON.stringify(events)]);
      return {
        async commit() {
          await client.query('COMMIT');
          await client.end();
        },
      };
    },
    async close() {
      await Promise.all(held.map((c) => c.end().catch(() => undefined)));
      await sql`SELECT 1`.execute(database.db);
      await database.drop();
    },
  };
});
