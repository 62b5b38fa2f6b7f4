/** The generic command handling on real PostgreSQL: retries across processes, idempotency, metadata. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { CommandRunner } from '../../src/commands/command-runner';
import { commandIdFor, newCommandContext } from '../../src/commands/command-context';
import { DomainError } from '../../src/domain/errors';
import { freshDatabase, TestDatabase } from '../support/database';
import { noteDecider } from '../support/notes/note.decider';

describe('CommandRunner (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await freshDatabase();
    store = new PostgresEventStore(database.db);
  });
  afterAll(async () => database?.drop());

  const at = () => new Date().toISOString();
  const create = (runner: CommandRunner, noteId: string, context = newCommandContext({ actorId: 'user-1' })) =>
    runner.run(noteDecider, { id: noteId, stream: `note-${noteId}` }, { type: 'CreateNote', data: { noteId, title: 't', at: at() } }, context);
  const rename = (runner: CommandRunner, noteId: string, title: string) =>
    runner.run(
      noteDecider,
      { id: noteId, stream: `note-${noteId}` },
      { type: 'RenameNote', data: { noteId, title, at: at() } },
      newCommandContext({ actorId: 'user-1' }),
    );

  it('lands every command when two processes race on one stream, retrying on conflicts', async () => {
    // Two runners stand for two API processes: they do not share their in-process lanes.
    const [a, b] = [new CommandRunner(store, { COMMAND_MAX_RETRIES: 50 }), new CommandRunner(store, { COMMAND_MAX_RETRIES: 50 })];
    const noteId = randomUUID();
    await create(a, noteId);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => rename(i % 2 ? a : b, noteId, `title ${i}`)));
    const events = await store.readStream(`note-${noteId}`);
    expect(events).toHaveLength(31);
    expect(new Set(results.map((r) => r.revision)).size).toBe(30); // each command got its own revision
  });

  it('answers a repeated command with its first result and appends nothing', async () => {
    const runner = new CommandRunner(store, { COMMAND_MAX_RETRIES: 5 });
    const noteId = randomUUID();
    const context = newCommandContext({ actorId: 'user-1', commandId: commandIdFor('key-1', 'user-1') });
    const first = await create(runner, noteId, context);
    const again = await create(runner, noteId, context);
    expect(again).toEqual(first);
    const [event] = await store.readStream(`note-${noteId}`);
    expect(event?.metadata).toEqual({ ...context, schemaVersion: 1 });
    expect(commandIdFor('key-1', 'user-2')).not.toBe(context.commandId); // keys are scoped to their sender
  });

  it('gives up with a conflict when the stream keeps changing past the retry budget', async () => {
    const noteId = randomUUID();
    await create(new CommandRunner(store, { COMMAND_MAX_RETRIES: 5 }), noteId);
    const impatient = Array.from({ length: 6 }, () => new CommandRunner(store, { COMMAND_MAX_RETRIES: 0 }));
    const outcomes = await Promise.allSettled(impatient.map((runner, i) => rename(runner, noteId, `t${i}`)));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused)
      expect(reason).toMatchObject({ kind: 'conflict', rule: 'ConcurrentChangesExhaustedRetries' } satisfies Partial<DomainError>);
    const landed = outcomes.length - refused.length;
    expect(await store.readStream(`note-${noteId}`)).toHaveLength(1 + landed);
  });
});
