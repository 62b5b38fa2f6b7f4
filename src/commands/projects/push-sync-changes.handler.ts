/**
 * The WatermelonDB sync push: all the changes a client made offline, applied as one command that
 * appends to every stream it touches at once, or to none (CommandRunner.runMany, which also gives
 * it its span and counts, idempotency, retries on concurrent appends and the shutdown drain).
 *
 * 1. Fold the streams the push touches (push-streams.ts). A stream already holding events of this
 *    command id means the push was applied before (same Idempotency-Key): its result is returned.
 * 2. Wait until the `projects` view has applied those streams, then refuse the whole push (409)
 *    if a pushed record changed on the server after the client's `lastPulledAt`: the client must
 *    pull the change first. Deleting what was deleted already is no conflict.
 * 3. Decide the push (sync-push.ts); the runner appends it with each stream's expected revision.
 * 4. Wait (bounded) for the view to apply the push, so that the client's next pull shows it.
 *
 * Pushes of one user take turns in this process (a lane of their own), so two devices syncing at
 * once do not race each other into retries.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conflict, invalid } from '../../domain/errors';
import { decideSyncPush, pushedRecords, SyncPush } from '../../domain/projects/sync-push';
import { PushedRecordsRefused, RecordRef } from '../../domain/projects/pushed-records-refused';
import { READ_MODEL_PROGRESS, type ReadModelProgress } from '../../ports/read-model-progress.port';
import { SYNCED_VERSIONS, type SyncedVersion, type SyncedVersions } from '../../ports/synced-versions.port';
import type { CommandContext } from '../command-context';
import { CommandRunner } from '../command-runner';
import type { StreamChange } from '../stream-reads';
import type { StreamsCommand } from '../streams-command';
import { PushStreams } from './push-streams';

/**
 * Events one push may append. The PostgreSQL store gives the events of one transaction positions
 * within a block of 4,096, so a larger push could never be applied atomically.
 */
export const MAX_EVENTS_PER_PUSH = 4096;

export interface PushResult {
  /** `$all` position of the push's last event (or of the newest event it saw, when it changed nothing). */
  position: number;
}

type PushContext = CommandContext & { actorId: string; sessionId: string };

export class PushSyncChanges extends Command<PushResult> {
  constructor(
    readonly push: SyncPush,
    /** The `timestamp` of the client's last pull; null when it never pulled. */
    readonly lastPulledAt: number | null,
    readonly context: PushContext,
  ) {
    super();
  }
}

@CommandHandler(PushSyncChanges)
export class PushSyncChangesHandler implements ICommandHandler<PushSyncChanges> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
    @Inject(SYNCED_VERSIONS) private readonly versions: SyncedVersions,
  ) {}

  async execute({ push, lastPulledAt, context }: PushSyncChanges): Promise<PushResult> {
    const command: StreamsCommand<PushStreams> = {
      type: 'PushSyncChanges',
      lanes: [`sync-push:${context.actorId}`, ...PushStreams.named(push)],
      read: (reads) => PushStreams.read(push, reads),
      decide: (streams) => this.decide(push, lastPulledAt ?? 0, context, streams),
    };
    const { position } = await this.runner.runMany(command, context);
    await this.progress.reached('projects', position); // the push is written either way; should the view lag longer, a later pull shows it
    return { position };
  }

  private async decide(push: SyncPush, lastPulledAt: number, context: PushContext, streams: PushStreams): Promise<StreamChange[]> {
    await this.progress.waitFor('projects', streams.newestPosition());
    const changed = changedSinceLastPull(push, await this.versions.of(pushedRecords(push)), lastPulledAt, context.actorId);
    if (changed.length > 0) {
      const refusal = conflict('PushedRecordsChangedSinceLastPull', 'records you pushed changed on the server after your last pull: pull, then push again');
      throw new PushedRecordsRefused(refusal, changed);
    }
    const changes = streams.changesOf(decideSyncPush(push, streams.states(), context, new Date().toISOString()));
    const eventCount = changes.reduce((sum, change) => sum + change.events.length, 0);
    if (eventCount > MAX_EVENTS_PER_PUSH) {
      throw invalid('APushFitsInOneAppend', `this push needs ${eventCount} events, more than the ${MAX_EVENTS_PER_PUSH} one push may append`);
    }
    return changes;
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
