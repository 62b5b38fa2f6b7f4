/**
 * Fixture projections of the notes that cannot take a note whose title starts with "poison":
 * one with a handler per event, one with a set-based batch handler. They drive the projector's
 * retries and parking; every other note lands in their table.
 */
import { Kysely, sql } from 'kysely';
import { defineBatchProjection, defineProjection } from '../../../src/projections/runtime/projection';
import type { NoteEvent } from './note.decider';
import type { RecordedEvent } from '../../../src/ports/event-store.port';

export interface FragileNotesTable {
  id: string;
  title: string;
  position: number;
}

declare module '../../../src/projections/runtime/database' {
  interface DB {
    test_fragile_notes: FragileNotesTable;
    test_fragile_batch_notes: FragileNotesTable;
  }
}

export const isPoison = (title: string) => title.startsWith('poison');

const noteOf = (event: RecordedEvent<NoteEvent>) => {
  const { noteId, title } = event.data;
  if (isPoison(title)) throw new Error(`a note titled ${title} breaks this projection`);
  return { id: noteId, title, position: event.position };
};

const createTable = (table: string) => ({
  async up(db: Kysely<unknown>) {
    await sql`CREATE TABLE ${sql.table(table)} (id uuid PRIMARY KEY, title text NOT NULL, position bigint NOT NULL)`.execute(db);
  },
});

export const fragileNotesProjection = defineProjection<NoteEvent>({
  name: 'test-fragile-notes',
  tables: ['test_fragile_notes'],
  migrations: { '9001_test_fragile_notes': createTable('test_fragile_notes') },
  handlers: {
    async NoteCreated(event, { trx }) {
      await trx.insertInto('test_fragile_notes').values(noteOf(event)).execute();
    },
  },
});

export const fragileBatchNotesProjection = defineBatchProjection<Extract<NoteEvent, { type: 'NoteCreated' }>>({
  name: 'test-fragile-batch-notes',
  tables: ['test_fragile_batch_notes'],
  migrations: { '9002_test_fragile_batch_notes': createTable('test_fragile_batch_notes') },
  handles: { NoteCreated: true },
  async handleBatch(events, { trx }) {
    await trx.insertInto('test_fragile_batch_notes').values(events.map(noteOf)).execute();
  },
});
