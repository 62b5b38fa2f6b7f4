/**
 * The event store port: the one seam between the application and the log.
 * Adapters: PostgreSQL and PGlite (one Kysely implementation), EventStoreDB/KurrentDB.
 * Every adapter passes test/contract/event-store.contract.ts.
 */

/** Where an append expects the stream to be. A number is the revision of the stream's last event. */
import type { DomainEvent } from '../domain/decider';

export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface EventMetadata {
  actorId: string | null;
  commandId: string;
  correlationId: string;
  causationId: string;
  traceparent?: string;
  schemaVersion: number;
}

export interface EventToAppend {
  /** A uuid; the same command yields the same ids, which makes appends idempotent. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** Where and when an event was recorded, and why: everything of a recorded event but its type and data. */
export interface EventEnvelope {
  id: string;
  stream: string;
  /** Per stream, from 0. */
  revision: number;
  /** Global, > 0, strictly increasing in the order `$all` is read. */
  position: number;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** An event as the store holds it, before the event catalog has checked its data (src/events). */
export type StoredEvent = DomainEvent<string, Record<string, unknown>>;

/**
 * An event read back, with its envelope. Distributive over a union of events, so that checking
 * `type` narrows `data`: `RecordedEvent<TicketEvent>` is one member per ticket event type.
 */
export type RecordedEvent<E extends DomainEvent = StoredEvent> = E extends DomainEvent ? E & EventEnvelope : never;

/** One stream's part of an atomic append to several streams (EventStore.appendMany). */
export interface StreamAppend {
  stream: string;
  events: readonly EventToAppend[];
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  revision: number;
  /** Position of the last appended event. */
  position: number;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events whose position is greater than this; 0 reads from the start. */
  after: number;
  limit: number;
}

/**
 * A filtered read of `$all` (the audit trail). Every filter that is given must hold; events come
 * in position order, at most `limit` of them, and only from below the same gap-free horizon as
 * readAll, so that paging with `after` = the last position returned never skips an event.
 */
export interface QueryAllFilter {
  /** Events whose position is greater than this; 0 (the default) reads from the start. */
  after?: number;
  limit: number;
  /** The event's type is one of these; an empty list matches nothing. */
  types?: readonly string[];
  /** `metadata.actorId` equals this. */
  actorId?: string;
  /** Recorded at or after this instant (compared at the millisecond precision of `recordedAt`). */
  from?: Date;
  /** Recorded at or before this instant (compared at the millisecond precision of `recordedAt`). */
  to?: Date;
}

export interface SubscribeToAllOptions {
  after: number;
  batchSize?: number;
  signal: AbortSignal;
}

/**
 * `E` is what reads answer: the adapters answer StoredEvent (data unchecked); the application sees the
 * store through the event catalog's edge (src/adapters/eventstore/cataloged-event-store.ts), which
 * parses and upcasts every event it reads into the domain's own types.
 */
export interface EventStore<E extends DomainEvent = StoredEvent> {
  /**
   * Appends atomically. Throws WrongExpectedRevisionError when the stream is not where expected.
   * Appending a batch whose first event id is already in the stream writes nothing and returns
   * the original result (idempotent append).
   */
  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several distinct streams atomically: either every append is written or none is.
   * A WrongExpectedRevisionError on any one stream writes nothing on any of them. Answers one
   * result per append, in the order given; positions across the streams follow no promised order.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** The stream's events in revision order; [] for a stream that does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent<E>[]>;
  /** `$all` in position order, never skipping an event that commits later with a lower position. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent<E>[]>;
  /**
   * `$all` filtered by type, actor and time, in position order, with readAll's gap-free horizon.
   * A page shorter than `limit` means nothing more matched below the horizon, except on adapters
   * that bound how much of the log one call scans (KurrentDB; see its adapter).
   */
  queryAll(filter: QueryAllFilter): Promise<RecordedEvent<E>[]>;
  /** Catch up from `after`, then stay live; yields non-empty batches in position order until aborted. */
  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<RecordedEvent<E>[]>;
  /** Position of the newest readable event, 0 when the log is empty. */
  headPosition(): Promise<number>;
  /**
   * Position of the newest committed event, readable yet or not (below a transaction still in
   * flight): every append answered before this call is at or below it, which is what "caught up
   * as of now" must reach. The same as headPosition where commit order is position order.
   */
  committedHeadPosition(): Promise<number>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export const EVENT_STORE = Symbol('EventStore');

/** `ticket-0b1c…` → `ticket`. */
export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}
