/**
 * Graceful shutdown on SIGTERM/SIGINT for a process entry point: run `close`, exit 0; exit 1 if it
 * fails, a second signal arrives, or it has not finished within `graceMs`. That bound holds
 * whatever `close` or the log does: the exit timer is armed before anything else runs, and the
 * logger never blocks the event loop it fires on (see stdoutDestination).
 */
import { stdoutFlushed, type Logger } from './logger';

export function shutdownOnSignal(close: () => Promise<unknown>, log: Logger, graceMs: number, exit: (code: number) => void = process.exit): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return exit(1);
    stopping = true;
    const deadline = Date.now() + graceMs;
    // Unref'd: should everything close early, the process may end by itself.
    setTimeout(() => {
      log.error({ graceMs }, 'shutdown took too long; exiting');
      exit(1);
    }, graceMs).unref();
    log.info({ signal, graceMs }, 'shutting down');
    close().then(
      // The last lines (this one included) get what remains of the grace to reach the reader.
      () => {
        log.info('shut down');
        return stdoutFlushed(deadline).then(() => exit(0));
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        return stdoutFlushed(deadline).then(() => exit(1));
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
