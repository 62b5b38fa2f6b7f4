/**
 * Catch-up-then-live `$all` subscription for stores that are read by polling.
 * Appends made by this process wake subscribers at once; appends by other processes are
 * found by the idle poll. While a locally appended position is not yet readable (an older
 * transaction is still in flight) it polls quickly instead of waiting for the idle poll.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { ReadAllOptions, RecordedEvent, SubscribeToAllOptions } from '../../ports/event-store.port';

export class AppendSignal {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private highest = 0;

  raise(position: number): void {
    if (position > this.highest) this.highest = position;
    this.emitter.emit('appended');
  }

  get highestAppended(): number {
    return this.highest;
  }

  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(timeoutMs);
    await once(this.emitter, 'appended', { signal: AbortSignal.any([signal, timeout]) }).catch(() => undefined);
  }
}

const PENDING_POLL_MS = 2;

export async function* pollAll(
  readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>,
  appended: AppendSignal,
  { after, batchSize = 500, signal, idlePollMs }: SubscribeToAllOptions & { idlePollMs: number },
): AsyncGenerator<RecordedEvent[]> {
  let checkpoint = after;
  while (!signal.aborted) {
    const batch = await readAll({ after: checkpoint, limit: batchSize });
    if (batch.length > 0) {
      checkpoint = batch[batch.length - 1]!.position;
      yield batch;
      continue;
    }
    if (appended.highestAppended > checkpoint) {
      await sleep(PENDING_POLL_MS, undefined, { signal }).catch(() => undefined);
    } else {
      await appended.wait(idlePollMs, signal);
    }
  }
}
