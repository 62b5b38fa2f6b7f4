/** The fixture notes' event catalog, and the application's catalog with it: what a test app that projects notes reads. */
import { z } from 'zod';
import { appEventCatalog } from '../../../src/events/app-event-catalog';
import { firstVersion, type EventCatalog } from '../../../src/events/event-definition';
import { EventReader } from '../../../src/events/event-reader';
import type { NoteEvent } from './note.decider';

const note = z.strictObject({ noteId: z.string(), title: z.string(), at: z.string() });

export const noteEvents: EventCatalog<NoteEvent> = {
  NoteCreated: firstVersion(note),
  NoteRenamed: firstVersion(note),
};

export const catalogWithNotes = { ...appEventCatalog, ...noteEvents };

export const readerWithNotes = () => new EventReader(catalogWithNotes);
