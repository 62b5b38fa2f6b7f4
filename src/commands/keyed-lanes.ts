/**
 * Runs tasks one at a time per key (a stream), concurrently across keys. Commands on one stream
 * in one process then queue instead of racing, so optimistic retries only arbitrate between
 * processes: a hot stream costs a queue, not a storm of conflicts.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /**
   * Runs the task holding the lane of every key at once. Lanes are taken one after another in one
   * order (sorted) by every caller, and a one-key task holds nothing while it waits, so no two
   * tasks can each hold a lane the other waits for: many-key and one-key tasks never deadlock.
   */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const ordered = [...new Set(keys)].sort();
    const holdingAll = ordered.reduceRight<() => Promise<T>>((inner, key) => () => this.run(key, inner), task);
    return holdingAll();
  }
}
