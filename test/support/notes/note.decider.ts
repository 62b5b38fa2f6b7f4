/**
 * A test fixture context, written the way every feature is: a pure decider, a command handler,
 * a projection, a controller. It lets engine tests drive the real app end to end.
 */
import { eventTypes, type Decider } from '../../../src/domain/decider';
import { illegalState, invalid } from '../../../src/domain/errors';

export type NoteCommand =
  { type: 'CreateNote'; data: { noteId: string; title: string; at: string } } | { type: 'RenameNote'; data: { noteId: string; title: string; at: string } };

export type NoteEvent =
  { type: 'NoteCreated'; data: { noteId: string; title: string; at: string } } | { type: 'NoteRenamed'; data: { noteId: string; title: string; at: string } };

export type NoteState = { status: 'absent' } | { status: 'present'; title: string; renames: number };

export const noteDecider: Decider<NoteCommand, NoteEvent, NoteState> = {
  eventTypes: eventTypes<NoteEvent>({ NoteCreated: true, NoteRenamed: true }),
  initialState: () => ({ status: 'absent' }),
  evolve(state, event) {
    switch (event.type) {
      case 'NoteCreated':
        return { status: 'present', title: event.data.title, renames: 0 };
      case 'NoteRenamed':
        return state.status === 'present' ? { ...state, title: event.data.title, renames: state.renames + 1 } : state;
    }
  },
  decide(command, state) {
    if (command.data.title.trim() === '') throw invalid('NoteTitleIsNotBlank', 'a note needs a title');
    switch (command.type) {
      case 'CreateNote':
        if (state.status === 'present') throw illegalState('NoteIsCreatedOnce', 'the note exists already');
        return [{ type: 'NoteCreated', data: command.data }];
      case 'RenameNote':
        if (state.status === 'absent') throw illegalState('OnlyExistingNotesAreRenamed', 'no such note');
        if (state.title === command.data.title) return [];
        return [{ type: 'NoteRenamed', data: command.data }];
    }
  },
};
