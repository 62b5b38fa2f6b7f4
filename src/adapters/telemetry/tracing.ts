/**
 * The OpenTelemetry tracing SDK (`@opentelemetry/sdk-node`): a tracer provider for the given span
 * processors, W3C trace context propagation, and auto-instrumentation of http, fastify and pg.
 * Nothing here runs unless started: until then the OpenTelemetry API is a no-op, and the
 * application's own spans cost a few function calls.
 *
 * Start it before http, fastify and pg are first required (see register.ts): the instrumentations
 * patch modules as they load.
 */
import { context, propagation, ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  serviceName: string;
  /** Where finished spans go: a BatchSpanProcessor with the OTLP exporter, or a test's in-memory exporter. */
  spanProcessors: SpanProcessor[];
}

type AutoInstrumentation = HttpInstrumentation | FastifyInstrumentation | PgInstrumentation;

/** Probes and scrapes would flood the traces and say nothing. */
const UNTRACED_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

export class Tracing {
  private constructor(
    private readonly sdk: NodeSDK,
    private readonly provider: TracerProvider,
    private readonly instrumentations: readonly AutoInstrumentation[],
  ) {}

  static start({ serviceName, spanProcessors }: TracingOptions): Tracing {
    const instrumentations = [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? '') }),
      new FastifyInstrumentation(),
      // Only queries inside a traced operation (the relay's and the feeds' polling would each start a
      // trace), and no span per pool checkout: Kysely checks a connection out for every query.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ];
    const sdk = new NodeSDK({
      serviceName,
      spanProcessors,
      instrumentations,
      contextManager: new AsyncLocalStorageContextManager(),
      textMapPropagator: new W3CTraceContextPropagator(),
      // Metrics have their own provider (prometheus-metrics.ts) and logs go through pino: the SDK
      // must not set up its environment-default OTLP metric and log exporters.
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    const provider = trace.getTracerProvider();
    return new Tracing(sdk, provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider, instrumentations);
  }

  /**
   * Back to the no-op API with the modules unpatched, as if tracing had never started; `resume`
   * undoes it. For measuring what tracing costs, side by side in one process (the engine benchmark).
   */
  pause(): void {
    for (const instrumentation of this.instrumentations) instrumentation.disable();
    trace.disable();
    propagation.disable();
    context.disable();
  }

  resume(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(this.provider);
    for (const instrumentation of this.instrumentations) instrumentation.enable();
  }

  /** Flushes what the span processors hold, stops, and leaves the API a no-op again. */
  async shutdown(): Promise<void> {
    await this.sdk.shutdown();
    this.pause();
  }
}
