/**
 * The folded state of recently used streams, so that a command reads only the events appended
 * since (by this process or another) instead of the whole stream. Events never change and
 * revisions have no gaps, so a cached state at revision r plus the events after r is exact; a
 * stale entry is caught by the append's expected revision like any other race. Least recently
 * used streams are forgotten first.
 *
 * A stream's idempotency record is one map, kept and added to as the stream grows rather than
 * copied per command. Earlier folds of the stream share it, so they may know of commands appended
 * after them; that is harmless, as an entry is only ever added for events that are in the stream.
 */
import { isEventOf, type Decider, type DomainEvent } from '../domain/decider';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';

/** A stream holds an event its decider does not fold: written there by mistake, it must not be folded as if it were another. */
export class ForeignEventError extends Error {
  override readonly name = 'ForeignEventError';
  constructor(stream: string, event: RecordedEvent) {
    super(`stream ${stream} holds ${event.type} at revision ${event.revision}, which its decider does not fold`);
  }
}

export interface FoldedStream<S> {
  /** Revision of the last folded event; -1 for a stream with no events. */
  revision: number;
  position: number;
  state: S;
  /** The result of each command already in the stream, by command id: the idempotency record (shared, see above). */
  commands: Map<string, { revision: number; position: number }>;
}

export class FoldedStreams {
  private readonly entries = new Map<string, { owner: object; folded: FoldedStream<unknown> }>();

  constructor(private readonly capacity: number) {}

  /** `owner` is the decider: a stream is only ever folded by the decider that folded it before. */
  get<S>(stream: string, owner: object): FoldedStream<S> | undefined {
    const entry = this.entries.get(stream);
    if (!entry || entry.owner !== owner) return undefined;
    this.entries.delete(stream); // re-inserted as the most recently used
    this.entries.set(stream, entry);
    return entry.folded as FoldedStream<S>;
  }

  set<S>(stream: string, owner: object, folded: FoldedStream<S>): void {
    this.entries.delete(stream);
    this.entries.set(stream, { owner, folded });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The stream folded up to its last event: from the cache, plus whatever was appended since. */
  async catchUp<E extends DomainEvent, S>(store: Pick<EventStore, 'readStream'>, decider: Decider<unknown, E, S>, stream: string): Promise<FoldedStream<S>> {
    const base: FoldedStream<S> = this.get<S>(stream, decider) ?? { revision: -1, position: 0, state: decider.initialState(), commands: new Map() };
    const newer = await store.readStream(stream, { fromRevision: base.revision + 1 });
    if (newer.length === 0) return base;
    const { commands } = base;
    for (const event of newer) commands.set(event.metadata.commandId, { revision: event.revision, position: event.position });
    const last = newer[newer.length - 1]!;
    let state = base.state;
    for (const event of newer) {
      if (!isEventOf(decider, event)) throw new ForeignEventError(stream, event);
      state = decider.evolve(state, event);
    }
    const folded = { revision: last.revision, position: last.position, state, commands };
    this.set(stream, decider, folded);
    return folded;
  }

  /** After a successful append of `events` by command `commandId`: the stream folded on from `before`, and the command recorded. */
  appended<E extends DomainEvent, S>(
    stream: string,
    decider: Decider<unknown, E, S>,
    before: FoldedStream<S>,
    events: readonly E[],
    commandId: string,
    at: { revision: number; position: number },
  ): FoldedStream<S> {
    before.commands.set(commandId, at);
    const folded = { revision: at.revision, position: at.position, state: events.reduce(decider.evolve, before.state), commands: before.commands };
    this.set(stream, decider, folded);
    return folded;
  }
}
