/** Starts Switchboard. With no environment: embedded mode (PGlite under ./data, in-process bus) on port 3000. */
import 'reflect-metadata';
import { loadConfig, runModeOf } from './config';
import { createApp } from './app';
import { createLogger } from './adapters/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  const app = await createApp(config, {}, log);
  await app.listen(config.PORT, config.HOST);
  log.info({ port: config.PORT, mode: runModeOf(config) }, `Switchboard listening on http://localhost:${config.PORT}`);

  // Graceful shutdown: refuse new commands, finish those in flight and the projector batches in
  // hand, close connections, exit 0. A second signal, or a stuck shutdown, exits at once.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS * 2).unref();
    app.close().then(
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
