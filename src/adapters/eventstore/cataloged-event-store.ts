/**
 * The event store as the application sees it: every event read is upcast and parsed by the event
 * catalog (EventReader) on its way out, and every event appended is held to its type's current
 * schema and stamped with its version on its way in. A stored event that cannot be read fails the
 * read with an EventSchemaError (stream, revision and zod's issues in its message); an event that
 * fails its schema is never appended, and nothing of its command is.
 */
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  QueryAllFilter,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
} from '../../ports/event-store.port';
import type { EventReader } from '../../events/event-reader';

export class CatalogedEventStore implements EventStore {
  constructor(
    /** The log as written. */
    readonly stored: EventStore,
    private readonly reader: EventReader,
  ) {}

  async append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.stored.append(stream, this.versioned(stream, events), expectedRevision);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.stored.appendMany(appends.map((append) => ({ ...append, events: this.versioned(append.stream, append.events) })));
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.read(await this.stored.readStream(stream, options));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.read(await this.stored.readAll(options));
  }

  async queryAll(filter: QueryAllFilter): Promise<RecordedEvent[]> {
    return this.read(await this.stored.queryAll(filter));
  }

  async *subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<RecordedEvent[]> {
    for await (const batch of this.stored.subscribeToAll(options)) yield this.read(batch);
  }

  headPosition(): Promise<number> {
    return this.stored.headPosition();
  }

  committedHeadPosition(): Promise<number> {
    return this.stored.committedHeadPosition();
  }

  close(): Promise<void> {
    return this.stored.close();
  }

  private read(events: readonly RecordedEvent[]): RecordedEvent[] {
    return events.map((event) => this.reader.read(event));
  }

  private versioned(stream: string, events: readonly EventToAppend[]): EventToAppend[] {
    return events.map((event) => {
      this.reader.check(stream, event);
      const schemaVersion = this.reader.versionOf(event.type);
      return schemaVersion === event.metadata.schemaVersion ? event : { ...event, metadata: { ...event.metadata, schemaVersion } };
    });
  }
}
