// Runs the EventStore contract against EventStoreDB/KurrentDB at EVENTSTORE_URL (kurrentdb://…); skipped, visibly, without one.
import { it } from 'vitest';
import { KurrentDbEventStore } from '../../src/adapters/eventstore/kurrentdb-event-store';
import { describeEventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTORE_URL;

if (url) {
  // Each test appends to fresh random streams, so one server can serve them all.
  describeEventStoreContract('KurrentDB', async () => {
    const store = new KurrentDbEventStore(url);
    return { store, close: () => store.close() };
  });
} else {
  console.log('skipped: EVENTSTORE_URL not set');
  it.skip('KurrentDB contract (skipped: EVENTSTORE_URL not set)');
}
