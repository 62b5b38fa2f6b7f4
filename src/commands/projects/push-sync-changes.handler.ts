/**
 * The WatermelonDB sync push: all the changes a client made offline, applied as one command that
 * appends to every stream it touches in one atomic append (EventStore.appendMany), or to none.
 *
 * 1. Fold the streams the push touches (push-streams.ts). A stream already holding events of this
 *    command id means the push was applied before (same Idempotency-Key): its result is returned.
 * 2. Wait until the `projects` view has applied those streams, then refuse the whole push (409)
 *    if a pushed record changed on the server after the client's `lastPulledAt`: the client must
 *    pull the change first. Deleting what was deleted already is no conflict.
 * 3. Decide the push (sync-push.ts), append with each stream's expected revision; a concurrent
 *    append to one of them means re-reading and deciding again, a bounded number of times.
 * 4. Wait (bounded) for the view to apply the push, so that the client's next pull shows it.
 *
 * Pushes of one user queue in this process, so two devices syncing at once take turns here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Decider, DomainEvent } from '../../domain/decider';
import { conflict, invalid } from '../../domain/errors';
import { projectDecider, projectStream } from '../../domain/projects/project.decider';
import { taskDecider, taskStream } from '../../domain/projects/task.decider';
import { decideSyncPush, PushDecision, pushedRecords, streamsToLoad, SyncPush } from '../../domain/projects/sync-push';
import { PushedRecordsRefused, RecordRef } from '../../domain/projects/pushed-records-refused';
import { EVENT_STORE, EventStore, StreamAppend, WrongExpectedRevisionError } from '../../ports/event-store.port';
import { CONFIG, type Config } from '../../config';
import { READ_MODEL_DB, type ReadModelDb } from '../../projections/runtime/projection';
import { ProjectionNotCaughtUpError, ProjectionProgress } from '../../projections/runtime/projection-progress';
import { projectsProjection } from '../../projections/projects/projects.projection';
import { SyncedVersion, syncedVersions } from '../../projections/projects/sync-versions.queries';
import type { FoldedStream } from '../folded-streams';
import { CommandContext, derivedId } from '../command-context';
import { EVENT_SCHEMA_VERSION } from '../command-runner';
import { KeyedLanes } from '../keyed-lanes';
import { PushStreamReader, PushStreams } from './push-streams';

/**
 * Events one push may append. The PostgreSQL store gives the events of one transaction positions
 * within a block of 4,096, so a larger push could never be applied atomically.
 */
export const MAX_EVENTS_PER_PUSH = 4096;

export interface PushResult {
  /** `$all` position of the push's last event (or of the newest event it saw, when it changed nothing). */
  position: number;
}

export class PushSyncChanges extends Command<PushResult> {
  constructor(
    readonly push: SyncPush,
    /** The `timestamp` of the client's last pull; null when it never pulled. */
    readonly lastPulledAt: number | null,
    readonly context: CommandContext & { actorId: string; sessionId: string },
  ) {
    super();
  }
}

@CommandHandler(PushSyncChanges)
export class PushSyncChangesHandler implements ICommandHandler<PushSyncChanges> {
  private readonly lanes = new KeyedLanes();
  private readonly reader: PushStreamReader;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(CONFIG) private readonly config: Pick<Config, 'COMMAND_MAX_RETRIES'>,
    private readonly progress: ProjectionProgress,
  ) {
    this.reader = new PushStreamReader(store);
  }

  execute(command: PushSyncChanges): Promise<PushResult> {
    return this.lanes.run(`sync-push:${command.context.actorId}`, () => this.apply(command));
  }

  private async apply({ push, lastPulledAt, context }: PushSyncChanges): Promise<PushResult> {
    for (let attempt = 0; attempt <= this.config.COMMAND_MAX_RETRIES; attempt++) {
      const streams = await this.readStreams(push);
      const earlier = streams.earlierPosition(context.commandId);
      if (earlier !== undefined) return { position: earlier };

      await this.progress.waitFor(projectsProjection.name, streams.newestPosition());
      const changed = changedSinceLastPull(push, await syncedVersions(this.db, pushedRecords(push)), lastPulledAt ?? 0, context.actorId);
      if (changed.length > 0) {
        throw new PushedRecordsRefused(conflict('PushedRecordsChangedSinceLastPull', 'records you pushed changed on the server after your last pull: pull, then push again'), changed);
      }

      const decision = decideSyncPush(push, streams.states(), context, new Date().toISOString());
      const appends = this.appendsOf(decision, streams, context);
      if (appends.length === 0) return { position: streams.newestPosition() };
      const eventCount = appends.reduce((sum, { append }) => sum + append.events.length, 0);
      if (eventCount > MAX_EVENTS_PER_PUSH) throw invalid('APushFitsInOneAppend', `this push needs ${eventCount} events, more than the ${MAX_EVENTS_PER_PUSH} one push may append`);

      try {
        const results = await this.store.appendMany(appends.map(({ append }) => append));
        results.forEach((result, index) => appends[index]!.cache(result));
        const position = Math.max(...results.map((result) => result.position));
        await this.progress.waitFor(projectsProjection.name, position).catch((error: unknown) => {
          if (!(error instanceof ProjectionNotCaughtUpError)) throw error; // the push is written either way; a later pull shows it
        });
        return { position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await sleep(Math.random() * 5 * 2 ** attempt); // another push won; let it finish before re-reading
      }
    }
    throw conflict('ConcurrentChangesExhaustedRetries', `the records of this push kept changing; it was retried ${this.config.COMMAND_MAX_RETRIES} times`);
  }

  /** Folds the pushed records' streams, then the streams deciding them needs, until none is missing. */
  private async readStreams(push: SyncPush): Promise<PushStreams> {
    const streams = new PushStreams();
    for (;;) {
      const missing = streamsToLoad(push, streams.states());
      if (missing.projects.length + missing.tasks.length === 0) return streams;
      await this.reader.read(streams, missing);
    }
  }

  private appendsOf(decision: PushDecision, streams: PushStreams, context: CommandContext) {
    const { actorId, commandId, correlationId, causationId, traceparent } = context;
    const metadata = { actorId, commandId, correlationId, causationId, traceparent, schemaVersion: EVENT_SCHEMA_VERSION };
    const appendTo = <E extends DomainEvent, S>(decider: Decider<unknown, E, S>, stream: string, before: FoldedStream<S>, events: E[]) => ({
      append: {
        stream,
        expectedRevision: before.revision === -1 ? 'no_stream' : before.revision,
        events: events.map((event, index) => ({
          id: derivedId(context.commandId, `${stream}#${index}`),
          type: event.type,
          data: event.data,
          metadata,
        })),
      } satisfies StreamAppend,
      cache: (at: { revision: number; position: number }) => this.reader.appended(decider, stream, before, events, context.commandId, at),
    });
    return [
      ...[...decision.projects].map(([id, events]) => appendTo(projectDecider, projectStream(id), streams.projects.get(id)!, events)),
      ...[...decision.tasks].map(([id, events]) => appendTo(taskDecider, taskStream(id), streams.tasks.get(id)!, events)),
    ];
  }
}

/**
 * Pushed records of the user's that the server changed after `lastPulledAt` (another user's
 * records are refused by the deciders). A record deleted on the server may be deleted again.
 */
function changedSinceLastPull(push: SyncPush, versions: readonly SyncedVersion[], lastPulledAt: number, actorId: string): RecordRef[] {
  const deletions = new Set([...push.projects.deleted.map((id) => `projects/${id}`), ...push.tasks.deleted.map((id) => `tasks/${id}`)]);
  return versions
    .filter((v) => v.ownerId === actorId && v.lastModified > lastPulledAt && !(v.deleted && deletions.has(`${v.table}/${v.id}`)))
    .map(({ table, id }) => ({ table, id }));
}
