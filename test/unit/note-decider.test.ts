/** The fixture decider through the given/when/then helper every feature's decider tests use. */
import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { noteDecider } from '../support/notes/note.decider';

const spec = deciderSpec(noteDecider);
const at = '2026-01-01T00:00:00.000Z';
const noteId = '5f0e7d52-0a8e-4c43-9d87-0f3d1b3c8e11';

describe('note decider (fixture)', () => {
  it('creates a note', () =>
    spec
      .given([])
      .when({ type: 'CreateNote', data: { noteId, title: 'a', at } })
      .then([{ type: 'NoteCreated', data: { noteId, title: 'a', at } }]));
  it('creates a note once', () =>
    spec
      .given([{ type: 'NoteCreated', data: { noteId, title: 'a', at } }])
      .when({ type: 'CreateNote', data: { noteId, title: 'b', at } })
      .thenFails('NoteIsCreatedOnce'));
  it('renames only existing notes', () =>
    spec
      .given([])
      .when({ type: 'RenameNote', data: { noteId, title: 'b', at } })
      .thenFails('OnlyExistingNotesAreRenamed'));
  it('records nothing for a rename to the same title', () =>
    spec
      .given([{ type: 'NoteCreated', data: { noteId, title: 'a', at } }])
      .when({ type: 'RenameNote', data: { noteId, title: 'a', at } })
      .then([]));
  it('refuses a blank title', () =>
    spec
      .given([])
      .when({ type: 'CreateNote', data: { noteId, title: '  ', at } })
      .thenFails('NoteTitleIsNotBlank'));
});
