/**
 * A poison event: a projection that keeps failing on one event retries it with backoff (state
 * `failed` meanwhile), then parks it in the transaction that moves its checkpoint past it, and
 * goes on; GET /api/v1/admin/projections reports it; every other projection keeps up throughout.
 * A batch handler's failing batch is split so that only the offending event is parked, and a
 * transient error is never blamed on an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Projector } from '../../src/projections/runtime/projector';
import { ProjectionProgress } from '../../src/projections/runtime/projection-progress';
import { defineProjection } from '../../src/projections/runtime/projection';
import type { NoteEvent } from '../support/notes/note.decider';
import type { RecordedEvent } from '../../src/ports/event-store.port';
import { allProjections } from '../../src/projections/all-projections';
import { InProcessChangeBus } from '../../src/adapters/bus/in-process-change-bus';
import { consumerNameOf } from '../../src/adapters/bus/jetstream-setup';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { bearer, http, startTestApp, TestApp } from '../support/app';
import { freshDatabase, TestDatabase } from '../support/database';
import { waitUntil } from '../support/poll';
import { NotesModule } from '../support/notes/notes.module';
import { notesProjection } from '../support/notes/notes.projection';
import { fragileBatchNotesProjection, fragileNotesProjection } from '../support/notes/fragile-notes.projection';
import { readerWithNotes } from '../support/notes/note.events';

interface Status {
  name: string;
  state: string;
  checkpoint: number;
  lag: { positions: number; seconds: number };
  lastError: { message: string; at: string | null } | null;
  failingSince: string | null;
  parked: { count: number; latest: Record<string, unknown>[] };
}

const FRAGILE = [fragileNotesProjection.name, fragileBatchNotesProjection.name];
const ADMIN = { email: 'projections@example.com', password: 'the-projections-admin-password' };

describe('a poison event in the running app (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({
      modules: [NotesModule],
      projections: [notesProjection, fragileNotesProjection, fragileBatchNotesProjection],
      // Retries take 0.5 + 1 + 2 s: long enough to watch the projection fail while the others pass.
      env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, PROJECTION_RETRY_ATTEMPTS: '4', PROJECTION_RETRY_BACKOFF_MS: '500' },
    });
    token = (await http(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password })).body.accessToken;
  });
  afterAll(async () => t?.close());

  const report = async () => {
    const response = await http(t.url, 'GET', '/api/v1/admin/projections', undefined, bearer(token));
    expect(response.status).toBe(200);
    return response.body as { head: number; projections: Status[] };
  };
  const statusOf = (projections: Status[], name: string) => projections.find((p) => p.name === name)!;
  const createNote = async (title: string) => {
    const created = await http(t.url, 'POST', '/api/v1/test-notes', { title });
    expect(created.status).toBe(201);
    return created.body as { id: string; position: number };
  };
  const titlesIn = async (table: 'test_fragile_notes' | 'test_fragile_batch_notes') =>
    (await t.database.db.selectFrom(table).select('title').orderBy('title').execute()).map((r) => r.title);

  it('is retried, parked and reported, while every other projection keeps up; the projection goes on past it', async () => {
    for (const title of ['a', 'b']) await createNote(title);
    const [, poison] = await Promise.all(['c', 'poison-1', 'd'].map(createNote));
    const [poisonEvent] = await t.infrastructure.store.readStream(`note-${poison!.id}`);

    await waitUntil(
      async () => {
        const { projections } = await report();
        const fragile = FRAGILE.map((name) => statusOf(projections, name));
        const others = projections.filter((p) => !FRAGILE.includes(p.name));
        return (
          fragile.every((p) => p.state === 'failed' && p.checkpoint < poison!.position && p.lastError?.message.includes('poison-1')) &&
          others.every((p) => p.state === 'live' && p.checkpoint >= poison!.position)
        );
      },
      10_000,
      'the fragile projections failing on the poison event while the others pass it',
    );

    await waitUntil(
      async () => {
        const { projections } = await report();
        return projections.every((p) => p.lag.positions === 0) && FRAGILE.every((name) => statusOf(projections, name).parked.count === 1);
      },
      20_000,
      'every projection at the head, the poison event parked',
    );
    const { head, projections } = await report();
    expect(projections.map((p) => p.name).sort()).toEqual([...allProjections.map((p) => p.name), notesProjection.name, ...FRAGILE].sort());
    for (const name of FRAGILE) {
      expect(statusOf(projections, name)).toMatchObject({
        state: 'live',
        checkpoint: head,
        lag: { positions: 0, seconds: 0 },
        failingSince: null,
        lastError: { message: expect.stringContaining('poison-1'), at: expect.any(String) },
        parked: {
          count: 1,
          latest: [
            {
              position: poison!.position,
              eventId: poisonEvent!.id,
              stream: `note-${poison!.id}`,
              type: 'NoteCreated',
              attempts: 4,
              error: expect.stringContaining('poison-1'),
              parkedAt: expect.any(String),
            },
          ],
        },
      });
      // JetStream holds nothing back: the poison message was acknowledged with the checkpoint.
      await waitUntil(async () => {
        const info = await t.infrastructure.nats!.jsm.consumers.info(t.config.NATS_STREAM, consumerNameOf(name));
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
    }
    for (const other of projections.filter((p) => !FRAGILE.includes(p.name))) {
      expect(other).toMatchObject({ state: 'live', checkpoint: head, lastError: null, parked: { count: 0, latest: [] } });
    }
    expect(await titlesIn('test_fragile_notes')).toEqual(['a', 'b', 'c', 'd']);
    expect(await titlesIn('test_fragile_batch_notes')).toEqual(['a', 'b', 'c', 'd']);
    const allNotes = await t.database.db.selectFrom('test_notes').select('title').orderBy('title').execute();
    expect(allNotes.map((n) => n.title)).toEqual(['a', 'b', 'c', 'd', 'poison-1']);

    await createNote('e');
    await waitUntil(
      async () => (await titlesIn('test_fragile_notes')).includes('e') && (await titlesIn('test_fragile_batch_notes')).includes('e'),
      10_000,
      'later notes applied',
    );
  });

  it('parks the event again when the projection is rebuilt, once', async () => {
    const rebuild = await http(t.url, 'POST', `/api/v1/admin/projections/${fragileNotesProjection.name}/rebuild`, undefined, bearer(token));
    expect(rebuild.status).toBe(202);
    await waitUntil(
      async () => {
        const status = statusOf((await report()).projections, fragileNotesProjection.name) as Status & { rebuild: { finishedAt: string | null } | null };
        return status.rebuild?.finishedAt != null && status.state === 'live' && status.lag.positions === 0;
      },
      20_000,
      'the rebuild done',
    );
    const status = statusOf((await report()).projections, fragileNotesProjection.name);
    expect(status.parked).toMatchObject({ count: 1, latest: [{ type: 'NoteCreated', error: expect.stringContaining('poison-1') }] });
    expect(await titlesIn('test_fragile_notes')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('the projector on a failing handler (PostgreSQL)', () => {
  let database: TestDatabase;
  const changes = new InProcessChangeBus();

  beforeAll(async () => {
    database = await freshDatabase(4);
    await migrateToLatest(
      database.db,
      migrationsFor({ sqlEventStore: true, projections: [...allProjections, fragileNotesProjection, fragileBatchNotesProjection] }),
    );
  });
  afterAll(async () => database?.drop());

  const noteCreated = (position: number, title: string): { event: RecordedEvent } => {
    const noteId = randomUUID();
    const commandId = randomUUID();
    return {
      event: {
        id: randomUUID(),
        stream: `note-${noteId}`,
        revision: 0,
        position,
        type: 'NoteCreated',
        data: { noteId, title, at: new Date().toISOString() },
        metadata: { actorId: null, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 },
        recordedAt: new Date(),
      },
    };
  };
  const checkpointOf = (name: string) => database.db.selectFrom('projection_checkpoints').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  const parkedIn = (name: string) => database.db.selectFrom('projection_parked_events').selectAll().where('projection', '=', name).execute();

  it('splits a failing batch: the good events are applied, only the one that keeps failing is parked', async () => {
    const parked: number[] = [];
    const projector = new Projector(fragileBatchNotesProjection, database.db, changes, new ProjectionProgress(database.db, 1000), readerWithNotes(), {
      retry: { attempts: 3, backoffMs: 1 },
      onParked: (event) => parked.push(event.position),
    });
    await projector.checkpoint();
    const fed = ['one', 'two', 'poison-x', 'three', 'four'].map((title, i) => noteCreated((i + 1) * 10, title));

    expect(await projector.applyBatch(fed)).toEqual({ settled: 5, checkpoint: 50, paused: false });
    const rows = await database.db.selectFrom('test_fragile_batch_notes').select(['title', 'position']).orderBy('position').execute();
    expect(rows).toEqual([
      { title: 'one', position: 10 },
      { title: 'two', position: 20 },
      { title: 'three', position: 40 },
      { title: 'four', position: 50 },
    ]);
    expect(await parkedIn(fragileBatchNotesProjection.name)).toEqual([
      expect.objectContaining({
        position: 30,
        event_id: fed[2]!.event.id,
        stream: fed[2]!.event.stream,
        event_type: 'NoteCreated',
        attempts: 3,
        error: expect.stringContaining('poison-x'),
      }),
    ]);
    expect(parked).toEqual([30]);
    expect(await checkpointOf(fragileBatchNotesProjection.name)).toMatchObject({
      position: 50,
      status: 'live',
      failing_since: null,
      last_error: expect.stringContaining('poison-x'),
    });
  });

  it('never parks an event for a transient error: the batch fails whole and the checkpoint stays', async () => {
    const unreachable = defineProjection<NoteEvent>({
      name: 'test-unreachable',
      tables: [],
      migrations: {},
      handlers: {
        async NoteCreated() {
          throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        },
      },
    });
    const projector = new Projector(unreachable, database.db, changes, new ProjectionProgress(database.db, 1000), readerWithNotes(), {
      retry: { attempts: 1, backoffMs: 1 },
    });
    await projector.checkpoint();
    await expect(projector.applyBatch([noteCreated(10, 'fine'), noteCreated(20, 'also fine')])).rejects.toThrow('administrator command');
    expect(await parkedIn(unreachable.name)).toEqual([]);
    expect(await checkpointOf(unreachable.name)).toMatchObject({ position: 0, failing_since: null });
  });
});
