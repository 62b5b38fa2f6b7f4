/**
 * The event catalog and the typed projections: what the reader makes of stored events of each
 * version, and (checked by `npm run typecheck`, which fails on an unused @ts-expect-error) that a
 * handler for an event type that does not exist, or reading data its event does not have, or a
 * catalog missing a type, does not compile.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TicketEvent } from '../../src/domain/tickets/ticket.decider';
import { appEventCatalog } from '../../src/events/app-event-catalog';
import { firstVersion, type EventCatalog } from '../../src/events/event-definition';
import { EventReader } from '../../src/events/event-reader';
import { EventSchemaError } from '../../src/events/event-schema-error';
import { roleEvents, userEvents } from '../../src/events/identity.events';
import { ticketEvents } from '../../src/events/tickets.events';
import { channelEvents, chatMessageEvents } from '../../src/events/chat.events';
import { voiceChannelEvents } from '../../src/events/voice.events';
import { customerEvents, customerGroupEvents } from '../../src/events/customers.events';
import { projectEvents, taskEvents } from '../../src/events/projects.events';
import { defineProjection } from '../../src/projections/runtime/projection';
import type { RecordedEvent } from '../../src/ports/event-store.port';
import type { NoteEvent } from '../support/notes/note.decider';

const reader = new EventReader(appEventCatalog);

function storedEvent(type: string, data: Record<string, unknown>, schemaVersion: number): RecordedEvent {
  return {
    id: 'e',
    stream: 'ticket-t1',
    revision: 3,
    position: 42,
    type,
    data,
    metadata: { actorId: null, commandId: 'c', correlationId: 'c', causationId: 'c', schemaVersion },
    recordedAt: new Date(0),
  };
}

const openedV1 = { ticketId: 't1', ownerId: 'u1', title: 'Old', priority: 'normal', at: '2026-01-01T00:00:00.000Z' };

describe('event catalog', () => {
  it('has every context once: no event type is defined twice', () => {
    const contexts = [
      userEvents,
      roleEvents,
      ticketEvents,
      channelEvents,
      chatMessageEvents,
      voiceChannelEvents,
      customerEvents,
      customerGroupEvents,
      projectEvents,
      taskEvents,
    ];
    expect(Object.keys(appEventCatalog)).toHaveLength(contexts.reduce((n, context) => n + Object.keys(context).length, 0));
  });

  it('given TicketOpened written at version 1, when read, then it has version 2 shape and version', () => {
    const read = reader.read(storedEvent('TicketOpened', openedV1, 1));
    expect(read.data).toEqual({ ...openedV1, customerId: null });
    expect(read.metadata.schemaVersion).toBe(2);
  });

  it('given an event at its current version, when read, then it comes back as it was stored', () => {
    const event = storedEvent('TicketOpened', { ...openedV1, customerId: 'c1' }, 2);
    expect(reader.read(event)).toBe(event);
  });

  it.each([
    ['an unknown type', storedEvent('TicketTeleported', openedV1, 1), /no such event type/],
    ['a version newer than the code', storedEvent('TicketOpened', openedV1, 3), /reads versions 1 to 2 only/],
    ['a field of the wrong type', storedEvent('TicketOpened', { ...openedV1, priority: 'whenever' }, 1), /data fails its schema: priority/],
    ['a field the schema does not know', storedEvent('TicketOpened', { ...openedV1, customerId: null, colour: 'red' }, 2), /colour/],
  ])('given %s, when read, then an EventSchemaError names the stream, revision and position', (_, event, message) => {
    let error: unknown;
    try {
      reader.read(event);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EventSchemaError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('ticket-t1@3 (position 42)');
  });

  it('refuses a catalog whose version has no upcaster from an older one', () => {
    const broken = { NoteCreated: { version: 2, schema: z.strictObject({ noteId: z.string() }), upcasters: {} } };
    expect(() => new EventReader(broken)).toThrow('event NoteCreated: no upcaster from version 1 to 2');
  });

  it('checks new events before they are appended', () => {
    expect(() => reader.check('ticket-t1', { type: 'TicketOpened', data: { ...openedV1, customerId: null } })).not.toThrow();
    expect(() => reader.check('ticket-t1', { type: 'TicketOpened', data: openedV1 })).toThrow(/appended to ticket-t1: data fails its schema: customerId/);
  });
});

describe('typed projections and catalogs (compile-time)', () => {
  it('type each handler with its own event, and refuse unknown types, wrong data and missing entries', () => {
    const basics = { name: 'compile-check', tables: [], migrations: {} };
    const projection = defineProjection<TicketEvent>({
      ...basics,
      handlers: {
        async TicketOpened(event) {
          const title: string = event.data.title;
          // @ts-expect-error TicketOpened has no `content`
          void event.data.content;
          void title;
        },
      },
    });
    defineProjection<TicketEvent>({
      ...basics,
      handlers: {
        // @ts-expect-error there is no event type TicketTeleported
        async TicketTeleported() {},
      },
    });
    defineProjection<TicketEvent>({
      ...basics,
      handlers: {
        // @ts-expect-error a TicketTagged handler does not take a TicketOpened event
        async TicketTagged(event: RecordedEvent<Extract<TicketEvent, { type: 'TicketOpened' }>>) {
          void event;
        },
      },
    });
    expect([...projection.handles]).toEqual(['TicketOpened']);

    // @ts-expect-error NoteRenamed is missing from the catalog
    const missing: EventCatalog<NoteEvent> = { NoteCreated: firstVersion(z.strictObject({ noteId: z.string(), title: z.string(), at: z.string() })) };
    const wrongShape: EventCatalog<NoteEvent> = {
      NoteCreated: firstVersion(z.strictObject({ noteId: z.string(), title: z.string(), at: z.string() })),
      // @ts-expect-error the schema's data is not NoteRenamed's data
      NoteRenamed: firstVersion(z.strictObject({ noteId: z.number() })),
    };
    expect(Object.keys({ ...missing, ...wrongShape })).toEqual(['NoteCreated', 'NoteRenamed']);
  });
});
