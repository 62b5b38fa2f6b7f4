/**
 * `npm run gateway`: the realtime gateway alone, serving only websockets (REALTIME_PORT), for
 * scaling sockets apart from the API. It needs NATS: change notices, signals and presence reach
 * it from the app processes there (run those with REALTIME_ENABLED=false, or on another port).
 * It opens the database (for authorization and the access check) but runs no relay and no
 * projectors: the pipeline is not started.
 */
// First of all: tracing (when configured) patches http and pg as they load.
import { tracing } from '../adapters/telemetry/register';
import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../adapters/logger';
import { openInfrastructure } from '../adapters/infrastructure';
import { JoseTokenIssuer } from '../adapters/auth/jose-token-issuer';
import { PostgresCredentialStore } from '../adapters/auth/postgres-credential-store';
import { gatewayOf } from '../adapters/realtime/realtime.module';
import { allProjections } from '../projections/all-projections';
import { shutdownOnSignal } from '../adapters/shutdown-on-signal';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  if (!config.NATS_URL) throw new Error('the standalone gateway needs NATS_URL: without NATS, change notices never leave the app process');
  const infrastructure = await openInfrastructure(config, allProjections, log);
  const gateway = gatewayOf(infrastructure, await JoseTokenIssuer.fromConfig(config), new PostgresCredentialStore(infrastructure.database.db), log);
  try {
    await gateway.start();
  } catch (error) {
    await infrastructure.close();
    throw error;
  }

  shutdownOnSignal(() => gateway.stop().then(() => infrastructure.close()).then(() => tracing?.shutdown()), log, config.SHUTDOWN_GRACE_MS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
