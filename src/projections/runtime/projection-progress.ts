/**
 * Read-your-writes: a query given `minPosition` waits until its projection's checkpoint has
 * passed it. Projectors in this process wake waiters at once; a projector in another process
 * is seen by polling the checkpoint table.
 *
 * The position known here is a cache, lowered whenever the checkpoint is seen lower: a rebuild
 * empties the tables and resets the checkpoint to 0 in one transaction (and forgets the cache in its
 * own process), after which only positions it has replayed again count as caught up.
 */
import { EventEmitter, once } from 'node:events';
import type { ReadModelDb } from './projection';

export class ProjectionNotCaughtUpError extends Error {
  override readonly name = 'ProjectionNotCaughtUpError';
  constructor(
    readonly projection: string,
    readonly minPosition: number,
    readonly checkpoint: number,
    readonly waitedMs: number,
  ) {
    super(`projection ${projection} is at position ${checkpoint}, not yet at ${minPosition} after ${waitedMs} ms`);
  }
}

const POLL_MS = 25;

export class ProjectionProgress {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly known = new Map<string, number>();

  constructor(
    private readonly db: ReadModelDb,
    private readonly timeoutMs: number,
  ) {}

  /** The projection's checkpoint, as just read or committed. */
  advanced(projection: string, position: number): void {
    this.known.set(projection, position);
    this.emitter.emit(projection);
  }

  /** Its tables were emptied: nothing seen before counts any more. */
  forget(projection: string): void {
    this.known.delete(projection);
  }

  async waitFor(projection: string, minPosition: number | undefined, timeoutMs = this.timeoutMs): Promise<void> {
    if (minPosition === undefined || minPosition <= (this.known.get(projection) ?? 0)) return;
    const started = Date.now();
    for (;;) {
      const checkpoint = await this.read(projection);
      if (checkpoint >= minPosition) return;
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new ProjectionNotCaughtUpError(projection, minPosition, checkpoint, timeoutMs);
      const wake = AbortSignal.timeout(Math.min(POLL_MS, left));
      await once(this.emitter, projection, { signal: wake }).catch(() => undefined);
    }
  }

  private async read(projection: string): Promise<number> {
    const row = await this.db.selectFrom('projection_checkpoints').select('position').where('name', '=', projection).executeTakeFirst();
    const position = Number(row?.position ?? 0);
    this.advanced(projection, position);
    return position;
  }
}
