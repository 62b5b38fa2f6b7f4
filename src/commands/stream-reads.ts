/**
 * The streams one attempt of a command read, folded through the shared cache. Each is kept with
 * the revision it was read at, which its append expects, and with its idempotency record: when
 * any stream read holds events of the command's id, the command ran before and its first result
 * is the answer (an append of several streams is all or nothing, so one such stream proves it).
 */
import type { Decider, DomainEvent } from '../domain/decider';
import type { AppendResult, EventStore } from '../ports/event-store.port';
import type { FoldedStream, FoldedStreams } from './folded-streams';

/** Where a stream stands: the revision of its last event (-1: none) and that event's `$all` position. */
export interface StreamAt {
  revision: number;
  position: number;
}

/** The events a command decided for one stream it read, tied to the decider that folded it. */
export interface StreamChange {
  stream: string;
  /** The revision the append expects: the one the decision was made on. */
  readRevision: number;
  events: readonly DomainEvent[];
  /** After the append: the cache folds the stream on with these events, and records the command. */
  appended(at: AppendResult, commandId: string): void;
}

/** A stream as a command read it, to decide on its state and to name the events it gets. */
export class StreamRead<E extends DomainEvent, S> {
  constructor(
    readonly stream: string,
    private readonly decider: Decider<unknown, E, S>,
    readonly folded: FoldedStream<S>,
    private readonly cache: FoldedStreams,
  ) {}

  get state(): S {
    return this.folded.state;
  }

  change(events: readonly E[]): StreamChange {
    const { stream, decider, folded, cache } = this;
    return { stream, readRevision: folded.revision, events, appended: (at, commandId) => cache.appended(stream, decider, folded, events, commandId, at) };
  }
}

/** What a command that ran answers: where it left each stream it read, and the position to read its writes at. */
export interface StreamsResult {
  /** `$all` position of the command's last event; when it appended nothing, of the newest event it read. */
  position: number;
  streams: ReadonlyMap<string, StreamAt>;
}

export class StreamReads {
  private readonly reads = new Map<string, StreamAt & { commands: FoldedStream<unknown>['commands'] }>();

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly cache: FoldedStreams,
  ) {}

  /** The stream folded up to its last event (reading only what the cache lacks), remembered for this attempt. */
  async fold<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, stream: string): Promise<StreamRead<E, S>> {
    const folded = await this.cache.catchUp(this.store, decider, stream);
    this.reads.set(stream, { revision: folded.revision, position: folded.position, commands: folded.commands });
    return new StreamRead(stream, decider, folded, this.cache);
  }

  /** The result of an earlier run of the command with this id, if any stream read holds its events. */
  earlier(commandId: string): StreamsResult | undefined {
    const streams = new Map<string, StreamAt>();
    let position: number | undefined;
    for (const [stream, read] of this.reads) {
      const earlier = read.commands.get(commandId);
      streams.set(stream, earlier ?? { revision: read.revision, position: read.position });
      if (earlier) position = Math.max(position ?? 0, earlier.position);
    }
    return position === undefined ? undefined : { position, streams };
  }

  /** The result when the command appended `results` for `changes` (none: it changed nothing). */
  result(changes: readonly StreamChange[] = [], results: readonly AppendResult[] = []): StreamsResult {
    const streams = new Map<string, StreamAt>([...this.reads].map(([stream, { revision, position }]) => [stream, { revision, position }]));
    changes.forEach(({ stream }, index) => streams.set(stream, results[index]!));
    const position = results.length > 0 ? Math.max(...results.map((at) => at.position)) : Math.max(0, ...[...this.reads.values()].map((read) => read.position));
    return { position, streams };
  }
}
