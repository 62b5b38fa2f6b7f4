/** Tracing to an OpenTelemetry collector: spans batched to `<endpoint>/v1/traces`, OTLP over HTTP (protobuf). */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Tracing } from './tracing';

export function startOtlpTracing(endpoint: string, serviceName: string): Tracing {
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  return Tracing.start({ serviceName, spanProcessors: [new BatchSpanProcessor(exporter)] });
}
