/**
 * Commands over several streams on real PostgreSQL (CommandRunner.runMany): one atomic append to
 * every stream the decision changes or to none, retried on concurrent appends, idempotent, with
 * the same derived ids and metadata as one-stream commands, sharing lanes with them without
 * deadlock, and drained at shutdown like them.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { CommandRunner } from '../../src/commands/command-runner';
import { derivedId, newCommandContext, type CommandContext } from '../../src/commands/command-context';
import { ShuttingDown } from '../../src/commands/shutting-down';
import { fold } from '../../src/domain/decider';
import { DomainError } from '../../src/domain/errors';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../../src/ports/event-store.port';
import { accountDecider, AccountEvent, accountStream, transfer } from '../support/accounts/account.decider';
import { freshDatabase, TestDatabase } from '../support/database';

describe('CommandRunner.runMany (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await freshDatabase();
    store = new PostgresEventStore(database.db);
  });
  afterAll(async () => database?.drop());

  const context = () => newCommandContext({ actorId: 'teller' });
  const deposit = (runner: CommandRunner, id: string, amount: number, ctx: CommandContext = context()) =>
    runner.run(accountDecider, { id, stream: accountStream(id) }, { type: 'Deposit', data: { amount } }, ctx);
  const eventsOf = (id: string) => store.readStream(accountStream(id));
  const balanceOf = (events: readonly RecordedEvent[]) =>
    fold(
      accountDecider,
      events.map(({ type, data }) => ({ type, data }) as AccountEvent),
    ).balance;
  /** The real store, with another process appending to `stream` just before this runner's next appendMany, `times` times. */
  const interfered = (stream: string, times: number): EventStore => {
    let left = times;
    return Object.assign(Object.create(store) as EventStore, {
      appendMany: async (...args: Parameters<EventStore['appendMany']>) => {
        if (left-- > 0)
          await store.append(stream, [{ id: randomUUID(), type: 'Deposited', data: { amount: 1 }, metadata: { ...context(), schemaVersion: 1 } }], 'any');
        return store.appendMany(...args);
      },
    });
  };

  it('appends a transfer to both streams at once, with ids derived from the command and its metadata on every event', async () => {
    const runner = new CommandRunner(store, { COMMAND_MAX_RETRIES: 3 });
    const [a, b] = [randomUUID(), randomUUID()];
    await deposit(runner, a, 10);
    const ctx = context();
    const result = await runner.runMany(transfer(a, b, 4), ctx);

    const [from, to] = [await eventsOf(a), await eventsOf(b)];
    expect(from.map((e) => e.type)).toEqual(['Deposited', 'Debited']);
    expect(to.map((e) => e.type)).toEqual(['Credited']);
    expect([from[1]!.id, to[0]!.id]).toEqual([derivedId(ctx.commandId, `${accountStream(a)}#0`), derivedId(ctx.commandId, `${accountStream(b)}#0`)]);
    for (const event of [from[1]!, to[0]!]) expect(event.metadata).toEqual({ ...ctx, schemaVersion: 1 });
    expect(result.streams.get(accountStream(a))).toEqual({ revision: 1, position: from[1]!.position });
    expect(result.streams.get(accountStream(b))).toEqual({ revision: 0, position: to[0]!.position });
    expect(result.position).toBe(Math.max(from[1]!.position, to[0]!.position));
  });

  it('answers a repeated command with its first result and appends nothing, in this process and another', async () => {
    const runner = new CommandRunner(store, { COMMAND_MAX_RETRIES: 3 });
    const [a, b] = [randomUUID(), randomUUID()];
    await deposit(runner, a, 10);
    const ctx = context();
    // All of it: deciding again would be refused (nothing left to debit), so only the streams' record of the command answers.
    const first = await runner.runMany(transfer(a, b, 10), ctx);
    expect(await runner.runMany(transfer(a, b, 10), ctx)).toEqual(first);
    expect(await new CommandRunner(store, { COMMAND_MAX_RETRIES: 3 }).runMany(transfer(a, b, 10), ctx)).toEqual(first);
    expect(await eventsOf(a)).toHaveLength(2);
    expect(await eventsOf(b)).toHaveLength(1);
  });

  it('writes nothing on any stream when one of them changed, and lands once re-read and re-decided', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await deposit(new CommandRunner(store, { COMMAND_MAX_RETRIES: 0 }), a, 10);

    const impatient = new CommandRunner(interfered(accountStream(b), 1), { COMMAND_MAX_RETRIES: 0 });
    await expect(impatient.runMany(transfer(a, b, 4), context())).rejects.toMatchObject({ kind: 'conflict', rule: 'ConcurrentChangesExhaustedRetries' });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['Deposited']); // the debit went nowhere
    expect((await eventsOf(b)).map((e) => e.type)).toEqual(['Deposited']); // only the other process's event

    const patient = new CommandRunner(interfered(accountStream(b), 2), { COMMAND_MAX_RETRIES: 3 });
    await patient.runMany(transfer(a, b, 4), context());
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['Deposited', 'Debited']);
    expect((await eventsOf(b)).map((e) => e.type)).toEqual(['Deposited', 'Deposited', 'Deposited', 'Credited']);
  });

  it('lands every transfer and deposit racing across processes, or refuses it whole, conserving money (property)', async () => {
    const op = fc.record({
      runner: fc.nat({ max: 2 }),
      transfer: fc.boolean(),
      from: fc.nat({ max: 2 }),
      offset: fc.nat({ max: 1 }),
      amount: fc.integer({ min: 1, max: 6 }),
      delayMs: fc.nat({ max: 3 }),
    });
    // Counts the appends another process won first, to show the interleavings do race.
    let conflicts = 0;
    const counted = (append: () => Promise<unknown>) =>
      append().catch((error: unknown) => {
        if (error instanceof WrongExpectedRevisionError) conflicts++;
        throw error;
      });
    const counting = Object.assign(Object.create(store) as EventStore, {
      append: (...args: Parameters<EventStore['append']>) => counted(() => store.append(...args)),
      appendMany: (...args: Parameters<EventStore['appendMany']>) => counted(() => store.appendMany(...args)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        // Three runners stand for three processes; each also mixes one-stream and two-stream commands in its own lanes.
        const runners = Array.from({ length: 3 }, () => new CommandRunner(counting, { COMMAND_MAX_RETRIES: 50 }));
        const accounts = Array.from({ length: 3 }, () => randomUUID());
        for (const id of accounts) await deposit(runners[0]!, id, 5);
        const contexts = ops.map(() => context());
        const outcomes = await Promise.allSettled(
          ops.map(async ({ runner, transfer: moves, from, offset, amount, delayMs }, i) => {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            return moves
              ? runners[runner]!.runMany(transfer(accounts[from]!, accounts[(from + 1 + offset) % 3]!, amount), contexts[i]!)
              : deposit(runners[runner]!, accounts[from]!, amount, contexts[i]);
          }),
        );

        const perAccount = await Promise.all(accounts.map(eventsOf));
        const events = perAccount.flat();
        expect(perAccount.reduce((sum, stream) => sum + balanceOf(stream), 0)).toBe(ops.reduce((sum, o) => sum + (o.transfer ? 0 : o.amount), 15));
        for (const stream of perAccount) expect(balanceOf(stream)).toBeGreaterThanOrEqual(0);
        outcomes.forEach((outcome, i) => {
          const written = events.filter((e) => e.metadata.commandId === contexts[i]!.commandId).length;
          if (outcome.status === 'fulfilled') expect(written).toBe(ops[i]!.transfer ? 2 : 1);
          else {
            expect(outcome.reason).toBeInstanceOf(DomainError);
            expect(outcome.reason).toMatchObject({ rule: 'BalancesStayCovered' }); // never a lost race or a deadlock
            expect(written).toBe(0);
          }
        });
      }),
      { numRuns: 12 },
    );
    expect(conflicts, 'appends that lost a race and were retried').toBeGreaterThan(0);
  });

  it('drains: waits for a command in flight over several streams, refusing new ones with ShuttingDown', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const appending = new Promise<void>((resolve) => (reached = resolve));
    const slow = Object.assign(Object.create(store) as EventStore, {
      appendMany: async (...args: Parameters<EventStore['appendMany']>) => {
        reached();
        await held;
        return store.appendMany(...args);
      },
    });
    const runner = new CommandRunner(slow, { COMMAND_MAX_RETRIES: 3 });
    const [a, b] = [randomUUID(), randomUUID()];
    await deposit(runner, a, 10);
    const inFlight = runner.runMany(transfer(a, b, 4), context());
    await appending;

    let drained = false;
    const draining = runner.drain().then(() => (drained = true));
    await expect(deposit(runner, a, 1)).rejects.toBeInstanceOf(ShuttingDown);
    await expect(runner.runMany(transfer(a, b, 1), context())).rejects.toBeInstanceOf(ShuttingDown);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);

    release();
    await inFlight;
    await draining;
    expect((await eventsOf(b)).map((e) => e.type)).toEqual(['Credited']);
  });
});
