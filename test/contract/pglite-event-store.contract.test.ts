import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { openPglite } from '../../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { allProjections } from '../../src/projections/all-projections';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('PGlite', async () => {
  const database = await openPglite(null);
  await migrateToLatest(database.db, migrationsFor({ sqlEventStore: true, projections: allProjections }));
  const store = new PostgresEventStore(database.db, { idlePollMs: 50 });
  return { store, close: () => database.close() };
});
