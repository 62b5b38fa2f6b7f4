/**
 * The commands this process is running, so that a shutdown can stop taking new ones and wait for
 * those under way: a command cut off between its read and its append would leave its client
 * guessing, while one refused with ShuttingDown can simply be sent again (to another node).
 */
import { ShuttingDown } from './shutting-down';

export class CommandsInFlight {
  private running = 0;
  private draining = false;
  private idle?: { promise: Promise<void>; resolve: () => void };

  async track<T>(command: () => Promise<T>): Promise<T> {
    if (this.draining) throw new ShuttingDown();
    this.running++;
    try {
      return await command();
    } finally {
      this.running--;
      if (this.running === 0) this.idle?.resolve();
    }
  }

  /** Refuses new commands from now on; resolves once none is running. Calling it again waits alike. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.running === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }
}
