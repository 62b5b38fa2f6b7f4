/**
 * How a recorded event travels on JetStream: subject `events.<category>.<type>`, the event as
 * JSON, and headers the projectors rely on. Parsed with zod on the way in.
 */
import { headers as natsHeaders, MsgHdrs } from '@nats-io/transport-node';
import { z } from 'zod';
import { categoryOf, RecordedEvent } from '../../ports/event-store.port';

export const POSITION_HEADER = 'Sb-Position';
/** Position of the previous event in `$all`: lets a projector prove it has missed nothing. */
export const PREVIOUS_POSITION_HEADER = 'Sb-Previous-Position';
export const TRACEPARENT_HEADER = 'traceparent';

const subjectToken = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

export function subjectOf(event: RecordedEvent, prefix = 'events'): string {
  return `${prefix}.${subjectToken(categoryOf(event.stream))}.${subjectToken(event.type)}`;
}

export function encodeEvent(event: RecordedEvent, previousPosition: number): { payload: string; headers: MsgHdrs } {
  const headers = natsHeaders();
  headers.set(POSITION_HEADER, String(event.position));
  headers.set(PREVIOUS_POSITION_HEADER, String(previousPosition));
  if (event.metadata.traceparent) headers.set(TRACEPARENT_HEADER, event.metadata.traceparent);
  return { payload: JSON.stringify(event), headers };
}

const wireEvent = z.object({
  id: z.string().uuid(),
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.number().int().positive(),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.object({
    actorId: z.string().nullable(),
    commandId: z.string(),
    correlationId: z.string(),
    causationId: z.string(),
    traceparent: z.string().optional(),
    schemaVersion: z.number().int(),
  }),
  recordedAt: z.coerce.date(),
});

export function decodeEvent(payload: string, headers: MsgHdrs | undefined): { event: RecordedEvent; previousPosition?: number; traceparent?: string } {
  const event = wireEvent.parse(JSON.parse(payload));
  const previous = headers?.get(PREVIOUS_POSITION_HEADER);
  // The relay's publish span when it traced one, else the event's own traceparent.
  const traceparent = headers?.get(TRACEPARENT_HEADER) || undefined;
  return { event, previousPosition: previous ? Number(previous) : undefined, traceparent };
}
