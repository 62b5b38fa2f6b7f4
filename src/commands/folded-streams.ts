/**
 * The folded state of recently used streams, so that a command reads only the events appended
 * since (by this process or another) instead of the whole stream. Events never change and
 * revisions have no gaps, so a cached state at revision r plus the events after r is exact; a
 * stale entry is caught by the append's expected revision like any other race. Least recently
 * used streams are forgotten first.
 */
export interface FoldedStream<S> {
  /** Revision of the last folded event; -1 for a stream with no events. */
  revision: number;
  position: number;
  state: S;
  /** The result of each command already in the stream, by command id: the idempotency record. */
  commands: ReadonlyMap<string, { revision: number; position: number }>;
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
}
