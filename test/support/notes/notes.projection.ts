/** Read model of the fixture notes: one row per note. */
import { Kysely, sql } from 'kysely';
import { defineProjection } from '../../../src/projections/runtime/projection';
import type { NoteEvent } from './note.decider';

export interface NotesTable {
  id: string;
  title: string;
  renames: number;
  revision: number;
  updated_at: string;
}

declare module '../../../src/projections/runtime/database' {
  interface DB {
    test_notes: NotesTable;
  }
}

export const notesProjection = defineProjection<NoteEvent>({
  name: 'test-notes',
  tables: ['test_notes'],
  migrations: {
    '9000_test_notes': {
      async up(db: Kysely<unknown>) {
        await sql`CREATE TABLE IF NOT EXISTS test_notes (id uuid PRIMARY KEY, title text NOT NULL, renames int NOT NULL, revision bigint NOT NULL, updated_at text NOT NULL)`.execute(
          db,
        );
      },
    },
  },
  handlers: {
    async NoteCreated(event, { trx, notify }) {
      const { data } = event;
      await trx.insertInto('test_notes').values({ id: data.noteId, title: data.title, renames: 0, revision: event.revision, updated_at: data.at }).execute();
      notify({ key: data.noteId, type: event.type, data: { title: data.title } });
    },
    async NoteRenamed(event, { trx, notify }) {
      const { data } = event;
      await trx
        .updateTable('test_notes')
        .set((eb) => ({ title: data.title, renames: eb('renames', '+', 1), revision: event.revision, updated_at: data.at }))
        .where('id', '=', data.noteId)
        .execute();
      notify({ key: data.noteId, type: event.type, data: { title: data.title } });
    },
  },
});
