/**
 * Crashes in the pipeline lose and duplicate nothing: the relay dies mid-batch, the projector
 * dies between COMMIT and ack; after restarts the read model equals a fold of the log and
 * JetStream holds each event exactly once. A rebuild while the app runs yields the same tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { PostgresEventStore } from '../../src/adapters/eventstore/postgres-event-store';
import { EventRelay } from '../../src/adapters/bus/event-relay';
import { JetStreamProjectionFeed } from '../../src/adapters/bus/jetstream-projection-feed';
import { ensureEventsStream } from '../../src/adapters/bus/jetstream-setup';
import { InProcessChangeBus } from '../../src/adapters/bus/in-process-change-bus';
import { Projector } from '../../src/projections/runtime/projector';
import { ProjectionProgress } from '../../src/projections/runtime/projection-progress';
import { rebuildProjection } from '../../src/projections/runtime/rebuild';
import { migrateToLatest, migrationsFor } from '../../src/adapters/postgres/migrate';
import { sql } from 'kysely';
import { allProjections } from '../../src/projections/all-projections';
import { fold } from '../../src/domain/decider';
import type { RecordedEvent } from '../../src/ports/event-store.port';
import { freshDatabase, TestDatabase } from '../support/database';
import { deleteStream, testStreamConfig } from '../support/app';
import { TEST_NATS_URL } from '../support/services';
import { waitUntil } from '../support/poll';
import { noteDecider, NoteEvent } from '../support/notes/note.decider';
import { notesProjection } from '../support/notes/notes.projection';
import { readerWithNotes } from '../support/notes/note.events';

class Crash extends Error {}

describe('pipeline recovery (PostgreSQL + NATS JetStream)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const { NATS_STREAM: stream, NATS_SUBJECT_PREFIX: subjectPrefix } = testStreamConfig();
  const changes = new InProcessChangeBus();
  let progress: ProjectionProgress;
  const noteIds = Array.from({ length: 6 }, () => randomUUID());

  const projector = () => new Projector(notesProjection, database.db, changes, progress, readerWithNotes());
  const relay = (afterPublish?: (e: RecordedEvent) => void) => new EventRelay(store, js, database.db, { stream, subjectPrefix, batchSize: 50, afterPublish });
  const feed = (beforeAck?: () => void) => new JetStreamProjectionFeed(projector(), store, js, jsm, { stream, batchSize: 40, ackWaitMs: 1000, beforeAck });

  async function appendNoteEvents(rounds: number): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        noteIds.map(async (noteId, i) => {
          const history = await store.readStream(`note-${noteId}`);
          const at = new Date().toISOString();
          const event =
            history.length === 0
              ? { type: 'NoteCreated', data: { noteId, title: `n${i}`, at } }
              : { type: 'NoteRenamed', data: { noteId, title: `n${i}-r${round}`, at } };
          const commandId = randomUUID();
          await store.append(
            `note-${noteId}`,
            [{ id: randomUUID(), ...event, metadata: { actorId: null, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 } }],
            history.length === 0 ? 'no_stream' : history.length - 1,
          );
        }),
      );
    }
  }

  /** What the read model must hold: a fold of each note's stream. */
  async function expectedRows() {
    return Promise.all(
      noteIds.map(async (noteId) => {
        const events = await store.readStream(`note-${noteId}`);
        const state = fold(noteDecider, events as unknown as NoteEvent[]);
        if (state.status !== 'present') throw new Error('note missing');
        return { id: noteId, title: state.title, renames: state.renames, revision: events.length - 1 };
      }),
    );
  }

  const rows = () => database.db.selectFrom('test_notes').select(['id', 'title', 'renames', 'revision']).where('id', 'in', noteIds).orderBy('id').execute();
  const sorted = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  /** Every append awaited so far has committed; headPosition() may still hide some behind the xmin horizon. */
  const lastCommitted = async () => Number((await sql<{ max: number }>`SELECT max(position) AS max FROM events`.execute(database.db)).rows[0]?.max ?? 0);
  const checkpoint = async () =>
    Number(
      (await database.db.selectFrom('projection_checkpoints').select('position').where('name', '=', notesProjection.name).executeTakeFirst())?.position ?? 0,
    );

  beforeAll(async () => {
    database = await freshDatabase();
    await migrateToLatest(database.db, migrationsFor({ sqlEventStore: true, projections: [...allProjections, notesProjection] }));
    store = new PostgresEventStore(database.db, { idlePollMs: 50 });
    progress = new ProjectionProgress(database.db, 5000);
    nc = await connect({ servers: TEST_NATS_URL });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, stream, subjectPrefix);
  });
  afterAll(async () => {
    await nc?.close();
    await deleteStream(stream);
    await database?.drop();
  });

  it('recovers from a relay killed mid-batch and a projector killed between COMMIT and ack', async () => {
    await appendNoteEvents(10); // 60 events: the relay's first batch of 50 is cut short
    let published = 0;
    const crashingRelay = relay(() => {
      if (++published === 23) throw new Crash('relay killed mid-batch');
    });
    crashingRelay.start();
    await waitUntil(() => published >= 23);
    await crashingRelay.stop();
    expect(crashingRelay.publishedPosition).toBe(0); // its checkpoint never moved

    let commits = 0;
    let crashingFeed: JetStreamProjectionFeed | undefined = undefined;
    crashingFeed = feed(() => {
      if (++commits === 1) {
        void crashingFeed!.stop(); // the process dies: nothing is acked or nak'ed
        throw new Crash('projector killed between COMMIT and ack');
      }
    });
    await crashingFeed.start();
    await waitUntil(() => commits >= 1);
    await crashingFeed.stop();
    const committedBeforeCrash = await checkpoint();
    expect(committedBeforeCrash).toBeGreaterThan(0);

    const liveRelay = relay();
    liveRelay.start();
    const liveFeed = feed();
    await liveFeed.start();
    await appendNoteEvents(5);
    const head = await lastCommitted();
    await waitUntil(async () => (await checkpoint()) === head, 20_000, 'projection catches up');

    expect(sorted(await rows())).toEqual(sorted(await expectedRows()));
    const info = await jsm.streams.info(stream);
    const { count } = (await sql<{ count: number }>`SELECT count(*)::int AS count FROM events`.execute(database.db)).rows[0]!;
    expect(info.state.messages).toBe(count); // each event once on JetStream, re-publishes deduplicated
    await liveFeed.stop();
    await liveRelay.stop();
  });

  it('rebuilds a projection while it runs, to tables equal to the live ones', async () => {
    const liveRelay = relay();
    liveRelay.start();
    const liveFeed = feed();
    await liveFeed.start();
    await appendNoteEvents(3);
    await waitUntil(async () => (await checkpoint()) === (await lastCommitted()), 20_000);
    const before = await database.db.selectFrom('test_notes').selectAll().orderBy('id').execute();

    const appendsDuringRebuild = appendNoteEvents(4);
    await rebuildProjection(database.db, store, projector(), { batchSize: 7 });
    await appendsDuringRebuild;
    await waitUntil(async () => (await checkpoint()) === (await lastCommitted()), 20_000, 'live again after rebuild');

    const after = await database.db.selectFrom('test_notes').selectAll().orderBy('id').execute();
    expect(after).toHaveLength(before.length);
    expect(sorted(await rows())).toEqual(sorted(await expectedRows()));
    const status = await database.db.selectFrom('projection_checkpoints').select('status').where('name', '=', notesProjection.name).executeTakeFirstOrThrow();
    expect(status.status).toBe('live');
    await liveFeed.stop();
    await liveRelay.stop();
  });
});
