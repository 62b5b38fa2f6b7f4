/**
 * `npm run gateway`: the realtime gateway alone, serving websockets, `/health/live` and `/metrics` on REALTIME_PORT, for
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
import { PrometheusMetrics } from '../adapters/telemetry/prometheus-metrics';
import { observeRealtime } from '../adapters/telemetry/realtime-metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  if (!config.NATS_URL) throw new Error('the standalone gateway needs NATS_URL: without NATS, change notices never leave the app process');
  if (!config.DATABASE_URL) throw new Error('the standalone gateway needs DATABASE_URL: it authorizes against the read models the app writes there');
  // Metrics first: instruments bind to the meter provider of the moment they are created.
  const metrics = PrometheusMetrics.start(config.OTEL_SERVICE_NAME);
  const infrastructure = await openInfrastructure(config, allProjections, log);
  const gateway = gatewayOf(infrastructure, await JoseTokenIssuer.fromConfig(config), new PostgresCredentialStore(infrastructure.database.db), log, {
    scrapeMetrics: () => metrics.scrape(),
  });
  observeRealtime(gateway);
  try {
    await gateway.start();
  } catch (error) {
    await infrastructure.close();
    throw error;
  }

  shutdownOnSignal(
    () =>
      gateway
        .stop()
        .then(() => infrastructure.close())
        .then(() => tracing?.shutdown()),
    log,
    config.SHUTDOWN_GRACE_MS,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
