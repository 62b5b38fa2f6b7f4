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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
