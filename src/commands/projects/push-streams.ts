/**
 * The project and task streams a sync push touches, folded from the log. Folded streams stay in a
 * cache between pushes, as the CommandRunner keeps its own, so a push reads only what was appended
 * since; a stale entry is caught by the expected revision of the append like any other race.
 */
import type { Decider, DomainEvent } from '../../domain/decider';
import { projectDecider, ProjectState, projectStream } from '../../domain/projects/project.decider';
import { taskDecider, TaskState, taskStream } from '../../domain/projects/task.decider';
import type { PushStates, StreamIds } from '../../domain/projects/sync-push';
import type { EventStore } from '../../ports/event-store.port';
import { FoldedStream, FoldedStreams } from '../folded-streams';
import { mapConcurrently } from '../map-concurrently';

/** Streams read at once: enough to overlap round trips, few enough to leave the pool to others. */
const READS_IN_FLIGHT = 16;
const FOLDED_STREAMS_CACHED = 20_000;

export class PushStreams {
  readonly projects = new Map<string, FoldedStream<ProjectState>>();
  readonly tasks = new Map<string, FoldedStream<TaskState>>();

  states(): PushStates {
    return { projects: stateOf(this.projects), tasks: stateOf(this.tasks) };
  }

  /** The log position of the newest event in any of the streams: the read model must be past it. */
  newestPosition(): number {
    return Math.max(0, ...[...this.projects.values(), ...this.tasks.values()].map((stream) => stream.position));
  }

  /** Where a command with this id appended before (the streams are its idempotency record): the newest position. */
  earlierPosition(commandId: string): number | undefined {
    const positions = [...this.projects.values(), ...this.tasks.values()].flatMap((stream) => stream.commands.get(commandId)?.position ?? []);
    return positions.length > 0 ? Math.max(...positions) : undefined;
  }
}

export class PushStreamReader {
  private readonly cache = new FoldedStreams(FOLDED_STREAMS_CACHED);

  constructor(private readonly store: EventStore) {}

  async read(streams: PushStreams, ids: StreamIds): Promise<void> {
    await Promise.all([
      this.fold(projectDecider, ids.projects, projectStream, streams.projects),
      this.fold(taskDecider, ids.tasks, taskStream, streams.tasks),
    ]);
  }

  /** After an append: the stream folded on with the events just written, and the command recorded. */
  appended<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, stream: string, before: FoldedStream<S>, events: E[], commandId: string, at: { revision: number; position: number }): void {
    this.cache.appended(stream, decider, before, events, commandId, at);
  }

  private async fold<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, ids: readonly string[], streamOf: (id: string) => string, into: Map<string, FoldedStream<S>>): Promise<void> {
    const folded = await mapConcurrently(ids, READS_IN_FLIGHT, (id) => this.cache.catchUp(this.store, decider, streamOf(id)));
    ids.forEach((id, index) => into.set(id, folded[index]!));
  }

}

function stateOf<S>(streams: ReadonlyMap<string, FoldedStream<S>>): Map<string, S> {
  return new Map([...streams].map(([id, stream]) => [id, stream.state]));
}

