/**
 * Graceful shutdown on SIGTERM/SIGINT for a process entry point: run `close`, exit 0; exit 1 if it
 * fails, takes longer than `graceMs`, or a second signal arrives.
 */
import type { Logger } from './logger';

export function shutdownOnSignal(close: () => Promise<unknown>, log: Logger, graceMs: number): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
