/** Events between the port's shapes and the KurrentDB client's: event data, metadata, expected and actual revisions. */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendStreamState,
  type EventData,
  type RecordedEvent as ClientRecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventMetadata, EventToAppend, ExpectedRevision, RecordedEvent } from '../../ports/event-store.port';
import { toSafeNumber } from './kurrentdb-positions';

export function toEventData({ id, type, data, metadata }: EventToAppend): EventData {
  return jsonEvent({ id, type, data, metadata: { ...metadata } });
}

/** For the multi-stream append, which takes string values only: null and absent values are left out. */
export function toPropertiesEventData({ id, type, data, metadata }: EventToAppend): EventData {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) if (value !== null && value !== undefined) properties[key] = String(value);
  return jsonEvent({ id, type, data, metadata: properties });
}

/** Metadata as append wrote it, or as string properties (appendMany): `schemaVersion` a number again, a missing actor null. */
function metadataOf(value: Record<string, unknown>): EventMetadata {
  const text = (key: string) => (typeof value[key] === 'string' ? value[key] : String(value[key] ?? ''));
  const { actorId, traceparent, schemaVersion } = value;
  return {
    actorId: typeof actorId === 'string' ? actorId : null,
    commandId: text('commandId'),
    correlationId: text('correlationId'),
    causationId: text('causationId'),
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    schemaVersion: Number(schemaVersion),
  };
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
      return BigInt(expected);
  }
}

/** The client says `no_stream`, or -1 on the paths that report a bare revision. */
export function toActualRevision(actual: bigint | 'no_stream'): number | 'no_stream' {
  return actual === 'no_stream' || actual < 0n ? 'no_stream' : toSafeNumber(actual, 'actual revision');
}

export function toRecorded(event: ClientRecordedEvent, position: number): RecordedEvent {
  const what = `event ${event.id} of ${event.streamId}`;
  return {
    id: event.id,
    stream: event.streamId,
    revision: toSafeNumber(event.revision, `revision of ${what}`),
    position,
    type: event.type,
    data: jsonObject(event.data, `data of ${what}`),
    metadata: metadataOf(jsonObject(event.metadata, `metadata of ${what}`)),
    recordedAt: event.created,
  };
}

/** The client parses JSON content itself; bytes are left for events not written as JSON. */
function jsonObject(value: unknown, what: string): Record<string, unknown> {
  const parsed: unknown = value instanceof Uint8Array ? parseJson(value, what) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`${what} is not JSON`);
  }
}
