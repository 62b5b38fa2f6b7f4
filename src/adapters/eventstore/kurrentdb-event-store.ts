/**
 * EventStore on EventStoreDB/KurrentDB, through the official gRPC client (`kurrentdb://…`).
 *
 * Positions. The server writes each event of an append as its own self-committed prepare record
 * (Data | IsCommitted; TransactionBegin on the first, TransactionEnd on the last; no commit record).
 * `$all` gives such an event the position (commit, prepare) = (its log position, its log position),
 * so the events of one batch have distinct commit positions that increase in the order `$all` is
 * read, and `position` is Number(commit): a byte offset in the log, safe as a JS number. Only the
 * explicit transactions of the legacy TCP API end with a separate commit record whose position all
 * their events share. Prepare positions would not rescue those: interleaved transactions are read
 * in commit order, not prepare order. Such events are refused loudly (PositionCursor) rather than
 * given positions that repeat. Reads from a position pass (n, n), which names exactly the event at n.
 *
 * The append result's position is that of the batch's TransactionEnd record, i.e. of its last event.
 * An idempotent repeat (same ids, same expected revision) writes nothing and gets the original
 * batch's last revision and position back from the server; a server that leaves the position out
 * (older ones did) makes us read it from the stream.
 *
 * Audit queries (queryAll): the server filters by event type (an anchored regex of the wanted
 * types), everything else is filtered here while paging `$all` forwards. One call inspects at most
 * QUERY_SCAN_LIMIT events that pass the server's filter, so a rare actor or a narrow time window
 * cannot make one HTTP request read the whole log through this process. It then returns what it
 * found so far, possibly fewer than `limit` or none: here a short page does NOT mean the end of
 * the log, and matches lying more than QUERY_SCAN_LIMIT unmatched events past `after` are out of
 * reach of a caller that pages by the positions it was given (the port returns no scan cursor).
 * Nothing is ever skipped or repeated, though. The server's own type scan is not bounded: it reads
 * its log until `maxCount` events match or the log ends.
 *
 * System events: the `excludeSystemEvents()` filter works on event types (`$…`); events of `$…`
 * streams are dropped here as well, and headPosition applies the same rule, so that a reader
 * waiting for readAll to reach the head never waits for an event readAll will not return.
 */
import type { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  START,
  type AppendResult as ClientAppendResult,
  type MultiAppendResult,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type QueryAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeToAllOptions,
} from '../../ports/event-store.port';
import { clientSideMatcher, exactTypes } from './kurrentdb-audit-filter';
import { PositionCursor } from './kurrentdb-position-cursor';
import { allPosition, isSystemStream, knownCommit, streamEventPosition, toReadPosition, toSafeNumber } from './kurrentdb-positions';
import { toActualRevision, toEventData, toPropertiesEventData, toRecorded, toStreamState } from './kurrentdb-records';
import { bufferedBatches } from './kurrentdb-subscription-batches';
import { AppendTelemetry } from '../telemetry/append-telemetry';

const DEFAULT_BATCH_SIZE = 500;
/** Enough for the newest events of `$all` to include one outside `$…` streams almost always. */
const HEAD_PAGE = 32;
/**
 * Events (after the server's type filter) one queryAll call inspects at most, whatever the other
 * filters: twenty pages of QUERY_PAGE, so one audit request costs at most that much reading here.
 * See the header for what a caller sees when the bound is hit.
 */
const QUERY_SCAN_LIMIT = 10_000;
/** Events one gRPC read of queryAll asks for; a page is read to its end before the next begins. */
const QUERY_PAGE = 500;

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  /** Ended by close(): disposing the client cancels their gRPC calls but would leave their readers waiting. */
  private readonly subscriptions = new Set<Readable>();

  private readonly telemetry = new AppendTelemetry('kurrentdb');

  constructor(connectionString: string) {
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.telemetry.observe(stream, events.length, () => this.appendNow(stream, events, expectedRevision));
  }

  private async appendNow(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const last = events[events.length - 1];
    if (!last) throw new Error('append needs at least one event');
    const result = await this.write(stream, events, expectedRevision);
    const revision = toSafeNumber(result.nextExpectedRevision, `revision of ${stream}`);
    const commit = knownCommit(result.position);
    const position = commit !== undefined ? toSafeNumber(commit, `position in ${stream}`) : await this.positionAtRevision(stream, revision, last.id);
    return { revision, position };
  }

  /**
   * The server's multi-stream append (KurrentDB 25.1 and later; older servers refuse the call).
   * That API takes metadata as string properties only, so the metadata is written that way and
   * read back by metadataOf. It answers one position for the whole append, so each stream's
   * position is read from the stream, as for servers that leave it out of a single append.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return Promise.resolve([]);
    return this.telemetry.observeMany(appends, () => this.appendManyNow(appends));
  }

  private async appendManyNow(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (new Set(appends.map((a) => a.stream)).size !== appends.length) throw new Error('appendMany takes each stream once');
    for (const { stream, events } of appends) if (events.length === 0) throw new Error(`append to ${stream} needs at least one event`);
    let written: MultiAppendResult;
    try {
      written = await this.client.multiStreamAppend(
        appends.map(({ stream, events, expectedRevision }) => ({
          streamName: stream,
          expectedState: toStreamState(expectedRevision),
          events: events.map(toPropertiesEventData),
        })),
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const refused = appends.find((a) => a.stream === error.streamName);
      throw new WrongExpectedRevisionError(error.streamName, refused?.expectedRevision ?? 'any', toActualRevision(error.actualState));
    }
    return Promise.all(
      appends.map(async ({ stream, events }) => {
        const response = written.responses.find((r) => r.streamName === stream);
        if (!response) throw new Error(`multi-stream append answered nothing for ${stream}`);
        const revision = toSafeNumber(response.revision, `revision of ${stream}`);
        return { revision, position: await this.positionAtRevision(stream, revision, events[events.length - 1]!.id) };
      }),
    );
  }

  async readStream(stream: string, { fromRevision = 0, maxCount }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (maxCount === 0) return [];
    const read = this.client.readStream(stream, { fromRevision: fromRevision > 0 ? BigInt(fromRevision) : START, maxCount });
    const events: RecordedEvent[] = [];
    try {
      for await (const { event } of read) {
        if (event) events.push(toRecorded(event, streamEventPosition(event)));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    const cursor = new PositionCursor(after);
    while (found.length < limit) {
      // fromPosition is inclusive: the event at the cursor comes back first and is skipped.
      const maxCount = limit - found.length + 1;
      let received = 0;
      cursor.restart();
      for await (const resolved of this.client.readAll({ fromPosition: toReadPosition(cursor.position), maxCount, filter: excludeSystemEvents() })) {
        received += 1;
        const event = cursor.admit(resolved);
        if (event && found.length < limit) found.push(event);
      }
      if (received < maxCount) break; // the end of $all
    }
    return found;
  }

  async queryAll(filter: QueryAllFilter): Promise<RecordedEvent[]> {
    // `$…` types are system events, which readAll never returns either.
    const types = filter.types?.filter((type) => !type.startsWith('$'));
    const { after = 0, limit } = filter;
    if (limit <= 0 || types?.length === 0) return [];
    const serverFilter = types ? exactTypes(types) : excludeSystemEvents();
    const matches = clientSideMatcher({ ...filter, types });
    const found: RecordedEvent[] = [];
    const cursor = new PositionCursor(after);
    let scanned = 0;
    while (found.length < limit && scanned < QUERY_SCAN_LIMIT) {
      // fromPosition is inclusive: the event at the cursor comes back first and is skipped.
      const maxCount = Math.min(QUERY_PAGE, QUERY_SCAN_LIMIT - scanned) + 1;
      let received = 0;
      cursor.restart();
      for await (const resolved of this.client.readAll({ fromPosition: toReadPosition(cursor.position), maxCount, filter: serverFilter })) {
        received += 1;
        const event = cursor.admit(resolved);
        if (event && found.length < limit && matches(event)) found.push(event);
      }
      scanned += received;
      if (received < maxCount) break; // the end of $all
    }
    return found;
  }

  async *subscribeToAll({ after, batchSize = DEFAULT_BATCH_SIZE, signal }: SubscribeToAllOptions): AsyncGenerator<RecordedEvent[]> {
    if (signal.aborted) return;
    // A buffer as large as a batch lets a busy log fill whole batches while the consumer works.
    const subscription = this.client.subscribeToAll(
      { fromPosition: toReadPosition(after), filter: excludeSystemEvents() },
      { highWaterMark: Math.max(batchSize, 16) },
    );
    // The client emits 'error' itself, even after unsubscribe; with no listener left that would crash the process.
    subscription.on('error', ignore);
    this.subscriptions.add(subscription);
    const cursor = new PositionCursor(after);
    try {
      for await (const received of bufferedBatches(subscription, batchSize, signal)) {
        const batch = received.map((resolved) => cursor.admit(resolved)).filter((event) => event !== undefined);
        if (batch.length > 0) yield batch;
      }
    } finally {
      this.subscriptions.delete(subscription);
      subscription.destroy();
      // Not awaited: it waits for the gRPC call to exist, which may take as long as connecting does.
      void subscription.unsubscribe().catch(ignore);
    }
  }

  /** KurrentDB positions follow commit order: nothing committed lies beyond the readable head. */
  committedHeadPosition(): Promise<number> {
    return this.headPosition();
  }

  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    let before = Number.POSITIVE_INFINITY;
    for (;;) {
      let received = 0;
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE, filter: excludeSystemEvents() })) {
        received += 1;
        const position = allPosition(resolved);
        if (position >= before) continue; // whether a backwards read includes its start is not documented
        before = position;
        if (resolved.event && !isSystemStream(resolved.event.streamId)) return position;
      }
      if (received < HEAD_PAGE) return 0;
      from = toReadPosition(before);
    }
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.destroy();
    await this.client.dispose();
  }

  private async write(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<ClientAppendResult> {
    let result: ClientAppendResult;
    try {
      result = await this.client.appendToStream(stream, events.map(toEventData), { streamState: toStreamState(expectedRevision) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(stream, expectedRevision, toActualRevision(error.actualState));
      }
      throw error;
    }
    // success is false only with throwOnAppendFailure=false in the connection string; refuse the same way.
    if (!result.success) throw new WrongExpectedRevisionError(stream, expectedRevision, toActualRevision(result.nextExpectedRevision));
    return result;
  }

  /** The `$all` position of the event at `revision`, which must be the batch's last event. */
  private async positionAtRevision(stream: string, revision: number, lastId: string): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (event?.id !== lastId) {
      throw new Error(`append to ${stream}: revision ${revision} holds ${event?.id ?? 'nothing'}, not the appended event ${lastId}`);
    }
    return event.position;
  }
}

function ignore(): void {}
