/** PostgreSQL specifics of the event store that the shared contract cannot express. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { freshDatabase, TestDatabase } from '../support/database';
import { anEvent } from '../contract/event-store.contract';

describe('PostgreSQL event store', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await freshDatabase(4);
    store = new PostgresEventStore(database.db);
  });
  afterAll(async () => database?.drop());

  it('refuses a batch that fails mid-insert whole, and releases the position lock for other connections', async () => {
    const stream = `contract-${randomUUID()}`;
    const event = anEvent();
    await expect(store.append(stream, [event, { ...anEvent(), id: event.id }], 'no_stream')).rejects.toThrow();
    expect(await store.readStream(stream)).toEqual([]);
    // Every pooled connection appends: none may wait for a lock left behind.
    const appends = Array.from({ length: 8 }, () => store.append(`contract-${randomUUID()}`, [anEvent()], 'no_stream'));
    const settled = await Promise.race([Promise.all(appends), new Promise((resolve) => setTimeout(() => resolve('stuck'), 5000))]);
    expect(settled).not.toBe('stuck');
  });

  it('refuses an event id that already belongs to another stream', async () => {
    const event = anEvent();
    await store.append(`contract-${randomUUID()}`, [event], 'no_stream');
    await expect(store.append(`contract-${randomUUID()}`, [event], 'no_stream')).rejects.toThrow(/already belongs/);
  });
});
