/** Batches of a KurrentDB `$all` subscription, as many events as are buffered, for subscribeToAll. */
import type { Readable } from 'node:stream';
import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';

/**
 * What the subscription has buffered, up to `max` events per batch, as soon as there is at least
 * one. Ends when `signal` aborts; throws if the subscription fails or the server ends it.
 */
export async function* bufferedBatches(source: Readable, max: number, signal: AbortSignal): AsyncGenerator<AllStreamResolvedEvent[]> {
  let failure: unknown;
  let ended = false;
  let wake = (): void => undefined;
  const onReadable = () => wake();
  const onEnd = () => {
    ended = true;
    wake();
  };
  const onError = (error: unknown) => {
    failure ??= error;
    wake();
  };
  source.on('readable', onReadable).on('end', onEnd).on('close', onEnd).on('error', onError);
  signal.addEventListener('abort', onReadable);
  try {
    for (;;) {
      if (signal.aborted) return;
      if (failure !== undefined) throw failure;
      const batch = drain(source, max);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (ended) throw new Error('the $all subscription ended before it was aborted');
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    source.off('readable', onReadable).off('end', onEnd).off('close', onEnd).off('error', onError);
    signal.removeEventListener('abort', onReadable);
  }
}

function drain(source: Readable, max: number): AllStreamResolvedEvent[] {
  const batch: AllStreamResolvedEvent[] = [];
  while (batch.length < max) {
    const next = source.read() as AllStreamResolvedEvent | null; // an object-mode stream of the client's events
    if (next === null) break;
    batch.push(next);
  }
  return batch;
}
