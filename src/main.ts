/** Starts Switchboard. With no environment: embedded mode (PGlite under ./data, in-process bus) on port 3000. */
// First of all: tracing (when configured) patches http, fastify and pg as they load.
import { tracing } from './adapters/telemetry/register';
import 'reflect-metadata';
import { loadConfig, runModeOf } from './config';
import { createApp } from './app';
import { createLogger } from './adapters/logger';
import { shutdownOnSignal } from './adapters/shutdown-on-signal';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  const app = await createApp(config, {}, log);
  await app.listen(config.PORT, config.HOST);
  log.info({ port: config.PORT, mode: runModeOf(config) }, `Switchboard listening on http://localhost:${config.PORT}`);

  // Refuse new commands, finish those in flight and the projector batches in hand, close, exit 0;
  // exit 1 at SHUTDOWN_GRACE_MS whatever is still running.
  shutdownOnSignal(
    async () => {
      await app.close();
      await tracing?.shutdown();
    },
    log,
    config.SHUTDOWN_GRACE_MS,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
