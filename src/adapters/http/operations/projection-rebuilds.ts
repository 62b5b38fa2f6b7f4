/**
 * Rebuilds started over HTTP: each runs in the background of the node that accepted it, one at a
 * time per projection, its progress kept for the status endpoint. On shutdown a running rebuild
 * stops between batches and hands the projection back to its live feed.
 */
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { illegalState, notFound } from '../../../domain/errors';
import { rebuildProjection, RebuildInProgressError, RebuildProgress } from '../../../projections/runtime/rebuild';
import type { Infrastructure } from '../../infrastructure';
import { INFRASTRUCTURE } from '../../infrastructure.tokens';
import { LOGGER, type Logger } from '../../logger';
import type { RebuildRunBody } from './projections-admin.schemas';

const alreadyRebuilding = (name: string) =>
  illegalState('ProjectionIsRebuiltOnceAtATime', `projection ${name} is being rebuilt already (by this or another process); try again when it is done`);

const progressOf = ({ from, position, head, events }: RebuildProgress) => ({ from, position, head, events });

@Injectable()
export class ProjectionRebuilds implements BeforeApplicationShutdown {
  private readonly latestRuns = new Map<string, RebuildRunBody>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(
    @Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  latest(name: string): RebuildRunBody | null {
    return this.latestRuns.get(name) ?? null;
  }

  /** Resolves once the rebuild owns the projection (its tables emptied); the replay goes on in the background. */
  async start(name: string): Promise<RebuildRunBody> {
    const { database, store, projectors } = this.infrastructure;
    const projector = projectors.find((p) => p.name === name);
    if (!projector) throw notFound('ProjectionExists', `no projection named ${name}; known: ${projectors.map((p) => p.name).join(', ')}`);
    if (this.running.has(name)) throw alreadyRebuilding(name);

    const run: RebuildRunBody = { startedAt: new Date().toISOString(), finishedAt: null, from: 0, position: 0, head: 0, events: 0, error: null };
    const abort = new AbortController();
    let onClaimed!: () => void;
    const claimed = new Promise<void>((resolve) => (onClaimed = resolve));
    const rebuild = rebuildProjection(database.db, store, projector, {
      signal: abort.signal,
      onClaimed,
      onProgress: (progress) => Object.assign(run, progressOf(progress)),
    });
    const done = rebuild
      .then(
        (progress) => void Object.assign(run, progressOf(progress)),
        (error: unknown) => {
          run.error = error instanceof Error ? error.message : String(error);
          if (!abort.signal.aborted && !(error instanceof RebuildInProgressError)) this.log.error({ err: error, projection: name }, 'rebuild failed');
        },
      )
      .finally(() => {
        run.finishedAt = new Date().toISOString();
        this.running.delete(name);
      });
    this.running.set(name, { abort, done });

    try {
      await Promise.race([claimed, rebuild]);
    } catch (error) {
      // It never owned the projection: nothing was emptied, there is no run to report.
      await done;
      throw error instanceof RebuildInProgressError ? alreadyRebuilding(name) : error;
    }
    this.latestRuns.set(name, run);
    return run;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const runs = [...this.running.values()];
    for (const { abort } of runs) abort.abort();
    await Promise.all(runs.map(({ done }) => done));
  }
}
