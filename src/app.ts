/**
 * Builds the HTTP application on Fastify: `/api/v1` prefix, problem+json errors (also for
 * unknown routes and bad JSON), security headers, text PostgreSQL cannot store refused at the edge,
 * OpenAPI at `/openapi.json` and `/docs`. Metrics have a port of their own (metrics-server.ts).
 */
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config } from './config';
import { AppModule, AppOptions } from './app.module';
import { createLogger, type Logger } from './adapters/logger';
import { setupOpenApi } from './adapters/http/openapi';
import { randomUUID } from 'node:crypto';
import { logRequests } from './adapters/http/request-log';
import { refuseUnstorableText } from './adapters/http/storable-text';
import { secureHeaders } from './adapters/http/security-headers';
import { PrometheusMetrics } from './adapters/telemetry/prometheus-metrics';
import { observeHttpLatency } from './adapters/telemetry/http-metrics';

export async function createApp(config: Config, options: AppOptions = {}, log: Logger = createLogger(config)): Promise<NestFastifyApplication> {
  // Before anything creates an instrument: instruments bind to the meter provider of their creation.
  PrometheusMetrics.start(config.OTEL_SERVICE_NAME);
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024, trustProxy: config.TRUST_PROXY, requestIdHeader: 'x-request-id', genReqId: () => randomUUID() });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, log, options), adapter, {
    logger: config.LOG_LEVEL === 'silent' ? false : ['error', 'warn'],
    abortOnError: false,
  });
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
    ],
  });
  await secureHeaders(app);
  app.enableCors({ origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false, credentials: true });
  logRequests(app, log);
  refuseUnstorableText(app);
  observeHttpLatency(app);
  setupOpenApi(app);
  return app;
}
