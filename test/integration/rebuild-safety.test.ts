/**
 * Rebuilds never lose events and never leave a projection stuck: one rebuild per projection at a
 * time (a lock the database drops with its session), a rebuild that lost its lock stops instead of
 * skipping events, a rebuild that died hands the projection back to its live feed, and
 * read-your-writes waits never answer against the tables a rebuild has just emptied.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { InProcessChangeBus } from '../../src/adapters/bus/in-process-change-bus';
import { openPglite, type Database } from '../../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { Projector } from '../../src/projections/runtime/projector';
import { ProjectionNotCaughtUpError, ProjectionProgress } from '../../src/projections/runtime/projection-progress';
import { rebuildProjection, RebuildInProgressError, RebuildSupersededError } from '../../src/projections/runtime/rebuild';
import type { EventStore } from '../../src/ports/event-store.port';
import { freshDatabase } from '../support/database';
import { allProjections } from '../../src/projections/all-projections';
import { notesProjection } from '../support/notes/notes.projection';
import { waitUntil } from '../support/poll';
import { readerWithNotes } from '../support/notes/note.events';

/** Opens when told; until then it holds whoever awaits it. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

/** The real store, whose reads of `$all` after the first `free` ones wait for the gate: a rebuild held between batches. */
function heldStore(store: EventStore, gate: Gate, free = 0): EventStore {
  let reads = 0;
  const readAll: EventStore['readAll'] = async (options) => {
    if (++reads > free) await gate.opened;
    return store.readAll(options);
  };
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'readAll') return readAll;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function rebuildSafetySuite(kind: 'PostgreSQL' | 'embedded PGlite', open: () => Promise<Database & { drop?: () => Promise<void> }>) {
  describe(`rebuild safety (${kind})`, () => {
    let database: Database & { drop?: () => Promise<void> };
    let store: PostgresEventStore;
    let progress: ProjectionProgress;
    const titles = new Map<string, string>();
    const projector = () => new Projector(notesProjection, database.db, new InProcessChangeBus(), progress, readerWithNotes());

    async function appendNotes(count: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        const noteId = randomUUID();
        const title = `note ${titles.size}`;
        const commandId = randomUUID();
        await store.append(
          `note-${noteId}`,
          [
            {
              id: randomUUID(),
              type: 'NoteCreated',
              data: { noteId, title, at: new Date().toISOString() },
              metadata: { actorId: null, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 },
            },
          ],
          'no_stream',
        );
        titles.set(noteId, title);
      }
    }

    const rows = () => database.db.selectFrom('test_notes').select(['id', 'title']).orderBy('id').execute();
    const expectedRows = () => [...titles].map(([id, title]) => ({ id, title })).sort((a, b) => a.id.localeCompare(b.id));
    const checkpointRow = () => database.db.selectFrom('projection_checkpoints').selectAll().where('name', '=', notesProjection.name).executeTakeFirstOrThrow();
    const head = async () => Number((await sql<{ max: number }>`SELECT max(position) AS max FROM events`.execute(database.db)).rows[0]!.max);
    const setStatus = (status: 'live' | 'rebuilding') =>
      database.db.updateTable('projection_checkpoints').set({ status }).where('name', '=', notesProjection.name).execute();
    /** A rebuild held right after it claimed the projection (its tables emptied). */
    async function claimedRebuild() {
      const gate = new Gate();
      let claimed!: () => void;
      const owning = new Promise<void>((resolve) => (claimed = resolve));
      const done = rebuildProjection(database.db, heldStore(store, gate), projector(), { batchSize: 2, onClaimed: claimed });
      await Promise.race([owning, done]);
      return { gate, done };
    }

    beforeAll(async () => {
      database = await open();
      await migrateToLatest(database.db, migrationsFor({ sqlEventStore: true, projections: [...allProjections, notesProjection] }));
      store = new PostgresEventStore(database.db, { idlePollMs: 50 });
      progress = new ProjectionProgress(database.db, 5000);
      await appendNotes(6);
    });
    afterAll(async () => {
      await (database?.drop ?? database?.close)?.();
    });

    it('refuses a second rebuild while one runs, and live batches hold off until it is done', async () => {
      const first = await claimedRebuild();
      onTestFinished(() => first.gate.open());
      await expect(rebuildProjection(database.db, store, projector())).rejects.toBeInstanceOf(RebuildInProgressError);
      const [event] = await store.readAll({ after: 0, limit: 1 });
      expect(await projector().applyBatch([{ event: event! }])).toMatchObject({ settled: 0, paused: true });

      first.gate.open();
      await first.done;
      expect(await rows()).toEqual(expectedRows());
      expect(await checkpointRow()).toMatchObject({ status: 'live', position: await head() });
    });

    it('does not answer a read-your-writes wait against the tables a rebuild has emptied', async () => {
      const caughtUp = await head();
      await progress.waitFor(notesProjection.name, caughtUp); // known caught up before the rebuild
      const rebuild = await claimedRebuild();
      onTestFinished(() => rebuild.gate.open());
      await expect(progress.waitFor(notesProjection.name, caughtUp, 200)).rejects.toBeInstanceOf(ProjectionNotCaughtUpError);
      rebuild.gate.open();
      await rebuild.done;
      await progress.waitFor(notesProjection.name, caughtUp, 1000);
      expect(await rows()).toEqual(expectedRows());
    });

    it('goes on live after a rebuild died with its process, and a new rebuild takes over from one that died', async () => {
      const before = (await checkpointRow()).position;
      await setStatus('rebuilding'); // what a rebuild leaves behind when its process dies: its lock went with its session
      await appendNotes(2);
      const events = await store.readAll({ after: before, limit: 100 });
      expect(await projector().applyBatch(events.map((event) => ({ event })))).toMatchObject({ settled: events.length, paused: false });
      expect(await checkpointRow()).toMatchObject({ status: 'live', position: await head(), last_error: expect.stringContaining('rebuild abandoned') });
      expect(await rows()).toEqual(expectedRows());

      await setStatus('rebuilding');
      await rebuildProjection(database.db, store, projector());
      expect(await checkpointRow()).toMatchObject({ status: 'live', position: await head() });
      expect(await rows()).toEqual(expectedRows());
    });

    it.runIf(kind === 'PostgreSQL')('stops a rebuild that lost its lock as superseded, instead of skipping what the new rebuild has not replayed', async () => {
      // Rebuild A replays its first batch, then waits before reading the next.
      const aGate = new Gate();
      let aBatches = 0;
      const a = rebuildProjection(database.db, heldStore(store, aGate, 1), projector(), { batchSize: 2, onProgress: () => aBatches++ });
      onTestFinished(() => aGate.open());
      const aStopped = a.then(
        () => null,
        (error: unknown) => error,
      );
      await waitUntil(() => aBatches > 0, 5000, 'the first batch of rebuild A');

      // A's connection drops, and its lock with it: rebuild B claims the projection and starts over.
      const advisoryLockHolders = sql<{ pid: number }>`
        SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
      await sql`SELECT pg_terminate_backend(pid) FROM (${advisoryLockHolders}) AS holders`.execute(database.db);
      await waitUntil(async () => (await advisoryLockHolders.execute(database.db)).rows.length === 0, 5000, 'the dropped connection gone');
      const b = await claimedRebuild();
      onTestFinished(() => b.gate.open());

      aGate.open();
      const aError = await aStopped;
      b.gate.open();
      await b.done;
      expect(await rows()).toEqual(expectedRows());
      expect(await checkpointRow()).toMatchObject({ status: 'live', position: await head() });
      expect(aError).toBeInstanceOf(RebuildSupersededError);
    });
  });
}

rebuildSafetySuite('PostgreSQL', () => freshDatabase());
rebuildSafetySuite('embedded PGlite', () => openPglite(null));
