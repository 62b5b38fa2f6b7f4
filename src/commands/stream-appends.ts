/**
 * A command's changes as the event store takes them. Event ids derive from the command id and the
 * event's place in its stream, so a repeated command yields the same ids (and the store's
 * idempotent append writes nothing twice); every event carries who sent the command and why, and
 * the command's span as its traceparent, which the relay, projector and gateway spans continue.
 */
import type { EventMetadata, StreamAppend } from '../ports/event-store.port';
import { CommandContext, derivedId } from './command-context';
import { activeTraceparent } from './command-telemetry';
import type { StreamChange } from './stream-reads';

export const EVENT_SCHEMA_VERSION = 1;

/** Read while the command's span is active; without tracing, the traceparent the request brought. */
export function commandMetadata({ actorId, commandId, correlationId, causationId, traceparent }: CommandContext): EventMetadata {
  return { actorId, commandId, correlationId, causationId, traceparent: activeTraceparent() ?? traceparent, schemaVersion: EVENT_SCHEMA_VERSION };
}

export function appendOf({ stream, readRevision, events }: StreamChange, metadata: EventMetadata): StreamAppend {
  return {
    stream,
    expectedRevision: readRevision === -1 ? 'no_stream' : readRevision,
    events: events.map((event, index) => ({ id: derivedId(metadata.commandId, `${stream}#${index}`), type: event.type, data: event.data, metadata })),
  };
}
