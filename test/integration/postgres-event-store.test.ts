/** PostgreSQL specifics of the event store that the shared contract cannot express. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
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

  it('refuses a batch that fails mid-insert whole, and leaves every connection free to append', async () => {
    const stream = `contract-${randomUUID()}`;
    const event = anEvent();
    await expect(store.append(stream, [event, { ...anEvent(), id: event.id }], 'no_stream')).rejects.toThrow();
    expect(await store.readStream(stream)).toEqual([]);
    // Every pooled connection appends: none may wait on anything the failed append left behind.
    const appends = Array.from({ length: 8 }, () => store.append(`contract-${randomUUID()}`, [anEvent()], 'no_stream'));
    const settled = await Promise.race([Promise.all(appends), new Promise((resolve) => setTimeout(() => resolve('stuck'), 5000))]);
    expect(settled).not.toBe('stuck');
  });

  it('refuses an event id that already belongs to another stream', async () => {
    const event = anEvent();
    await store.append(`contract-${randomUUID()}`, [event], 'no_stream');
    await expect(store.append(`contract-${randomUUID()}`, [event], 'no_stream')).rejects.toThrow(/already belongs/);
  });

  it('gives a transaction that appends twice increasing positions, and refuses more than 4096 events in one', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      const first = await client.query('SELECT * FROM sb_append($1, $2, $3::jsonb)', [
        `contract-${randomUUID()}`,
        'no_stream',
        JSON.stringify([anEvent(), anEvent()]),
      ]);
      const second = await client.query('SELECT * FROM sb_append($1, $2, $3::jsonb)', [`contract-${randomUUID()}`, 'no_stream', JSON.stringify([anEvent()])]);
      await client.query('COMMIT');
      const positions = [...first.rows, ...second.rows].map((row: { position: number }) => Number(row.position));
      expect(positions).toEqual([positions[0], positions[0]! + 1, positions[0]! + 2]);
    } finally {
      await client.end();
    }
    const tooMany = Array.from({ length: 4097 }, () => anEvent());
    await expect(store.append(`contract-${randomUUID()}`, tooMany, 'no_stream')).rejects.toThrow(/at most 4096/);
  });
});
