/**
 * If-Match across processes on real PostgreSQL: many writers, each in its own "process" (runner),
 * each with a stale cached state and the same expected revision. The check rides on the append's
 * expected revision, so exactly one wins and every other is refused, never a lost update.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { CommandRunner } from '../../src/commands/command-runner';
import { newCommandContext } from '../../src/commands/command-context';
import { customerDecider, customerStream, CustomerCommand } from '../../src/domain/customers/customer.decider';
import { freshDatabase, TestDatabase } from '../support/database';

describe('customer If-Match across processes (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await freshDatabase();
    store = new PostgresEventStore(database.db);
  });
  afterAll(async () => database?.drop());

  const at = new Date().toISOString();
  const run = (runner: CommandRunner, command: CustomerCommand) =>
    runner.run(
      customerDecider,
      { id: command.data.customerId, stream: customerStream(command.data.customerId) },
      command,
      newCommandContext({ actorId: 'agent' }),
    );

  it('lets exactly one of many writers expecting the same revision win', async () => {
    const customerId = randomUUID();
    const runners = Array.from({ length: 8 }, () => new CommandRunner(store, { COMMAND_MAX_RETRIES: 20 }));
    await run(runners[0]!, {
      type: 'CreateCustomer',
      data: {
        customerId,
        fields: { name: 'Ada', email: null, phone: null, company: null, address: null, status: 'active', tags: [], ownerId: null },
        by: 'agent',
        at,
      },
    });
    // Every runner folds the stream at revision 0 first, so each decides on a state that is about to go stale.
    for (const runner of runners) await runner.current(customerDecider, customerStream(customerId));

    const outcomes = await Promise.allSettled(
      runners.map((runner, i) =>
        run(runner, { type: 'UpdateCustomer', data: { customerId, changes: { name: `Writer ${i}` }, expectedRevision: 0, by: 'agent', at } }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const { reason } of refused) expect(reason).toMatchObject({ kind: 'precondition_failed', rule: 'ChangesApplyToTheRevisionRead' });
    expect(await store.readStream(customerStream(customerId))).toHaveLength(2);
  });
});
