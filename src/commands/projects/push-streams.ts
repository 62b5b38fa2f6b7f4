/**
 * The project and task streams a sync push touches, folded through the command runner's reads
 * (whose cache keeps folded streams between pushes, so a push reads only what was appended since).
 * Which streams deciding needs depends on what is read, a task's project or a deleted project's
 * tasks, so they are read in rounds until the domain (streamsToLoad) names none missing.
 */
import type { Decider, DomainEvent } from '../../domain/decider';
import { projectDecider, ProjectEvent, ProjectState, projectStream } from '../../domain/projects/project.decider';
import { taskDecider, TaskEvent, TaskState, taskStream } from '../../domain/projects/task.decider';
import { PushDecision, PushStates, pushedRecords, streamsToLoad, SyncPush } from '../../domain/projects/sync-push';
import { mapConcurrently } from '../map-concurrently';
import type { StreamChange, StreamRead, StreamReads } from '../stream-reads';

/** Streams read at once: enough to overlap round trips, few enough to leave the pool to others. */
const READS_IN_FLIGHT = 16;

export class PushStreams {
  readonly projects = new Map<string, StreamRead<ProjectEvent, ProjectState>>();
  readonly tasks = new Map<string, StreamRead<TaskEvent, TaskState>>();

  /** The streams of the records the push names: known before anything is read, so the push takes turns on them. */
  static named(push: SyncPush): string[] {
    return pushedRecords(push).map(({ table, id }) => (table === 'projects' ? projectStream(id) : taskStream(id)));
  }

  /** Folds the pushed records' streams, then the streams deciding them needs, until none is missing. */
  static async read(push: SyncPush, reads: StreamReads): Promise<PushStreams> {
    const streams = new PushStreams();
    for (;;) {
      const missing = streamsToLoad(push, streams.states());
      if (missing.projects.length + missing.tasks.length === 0) return streams;
      await Promise.all([
        fold(reads, projectDecider, missing.projects, projectStream, streams.projects),
        fold(reads, taskDecider, missing.tasks, taskStream, streams.tasks),
      ]);
    }
  }

  states(): PushStates {
    return { projects: stateOf(this.projects), tasks: stateOf(this.tasks) };
  }

  /** The log position of the newest event in any of the streams: the read model must be past it. */
  newestPosition(): number {
    return Math.max(0, ...[...this.projects.values(), ...this.tasks.values()].map((stream) => stream.folded.position));
  }

  /** The decision as the changes to append, each tied to the stream it was decided on. */
  changesOf(decision: PushDecision): StreamChange[] {
    return [
      ...[...decision.projects].map(([id, events]) => this.projects.get(id)!.change(events)),
      ...[...decision.tasks].map(([id, events]) => this.tasks.get(id)!.change(events)),
    ];
  }
}

async function fold<E extends DomainEvent, S>(
  reads: StreamReads,
  decider: Decider<unknown, E, S>,
  ids: readonly string[],
  streamOf: (id: string) => string,
  into: Map<string, StreamRead<E, S>>,
): Promise<void> {
  const folded = await mapConcurrently(ids, READS_IN_FLIGHT, (id) => reads.fold(decider, streamOf(id)));
  ids.forEach((id, index) => into.set(id, folded[index]!));
}

function stateOf<E extends DomainEvent, S>(streams: ReadonlyMap<string, StreamRead<E, S>>): Map<string, S> {
  return new Map([...streams].map(([id, stream]) => [id, stream.state]));
}
