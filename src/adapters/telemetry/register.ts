/**
 * Tracing for the app process, started on import when OTEL_EXPORTER_OTLP_ENDPOINT is set (see
 * otlp-tracing.ts). When it is not set nothing starts, nothing is exported, the OpenTelemetry API
 * stays a no-op, and the SDK is not even loaded (it takes a second).
 *
 * main.ts imports this first, before Nest, fastify, http and pg are loaded, because the
 * instrumentations patch those modules as they are required. (An explicit first import rather
 * than `node -r`: `npm start`, `node dist/src/main.js` and a container's entry point all get it.)
 */
import { configSchema } from '../../config';
import type { Tracing } from './tracing';

function startFromEnvironment(env: NodeJS.ProcessEnv): Tracing | undefined {
  // Invalid settings are left for main's loadConfig to report with the rest.
  const parsed = configSchema.pick({ OTEL_EXPORTER_OTLP_ENDPOINT: true, OTEL_SERVICE_NAME: true }).safeParse(env);
  if (!parsed.success || !parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  // Synchronously, on purpose: tracing must start before this import returns and the app's modules load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startOtlpTracing } = require('./otlp-tracing') as typeof import('./otlp-tracing');
  return startOtlpTracing(parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT, parsed.data.OTEL_SERVICE_NAME);
}

/** Undefined when tracing is off; shut it down after the app closes, to flush the last spans. */
export const tracing = startFromEnvironment(process.env);
