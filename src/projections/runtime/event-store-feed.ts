/**
 * Feeds one projection straight from the event store's `$all` subscription: embedded mode,
 * where there is no NATS. Same projector, same transaction-per-batch with its checkpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../../ports/event-store.port';
import type { Projector } from './projector';

const PAUSED_RETRY_MS = 250;
const ERROR_RETRY_MS = 1000;

export class EventStoreFeed {
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly projector: Projector,
    private readonly store: EventStore,
    private readonly options: { batchSize: number; onError?: (error: unknown, projection: string) => void },
  ) {}

  async start(): Promise<void> {
    await this.projector.checkpoint();
    this.running ??= this.run();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        const after = await this.projector.checkpoint();
        for await (const batch of this.store.subscribeToAll({ after, batchSize: this.options.batchSize, signal })) {
          const outcome = await this.projector.applyBatch(batch.map((event) => ({ event })));
          if (outcome.paused) break; // a rebuild owns the projection; start again from its checkpoint
        }
        await sleep(PAUSED_RETRY_MS, undefined, { signal }).catch(() => undefined);
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error, this.projector.name);
        await this.projector.recordError(error);
        await sleep(ERROR_RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}
