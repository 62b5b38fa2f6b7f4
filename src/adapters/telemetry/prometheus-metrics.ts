/**
 * The process's metrics: one OpenTelemetry MeterProvider, read by the Prometheus exporter (its own
 * server is never started; metrics-server.ts serves the text on METRICS_PORT).
 * Registered as the global meter provider, so code that takes a meter from the API records into it;
 * independent of tracing, so metrics work whether or not OTLP is configured.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class PrometheusMetrics {
  private static started?: PrometheusMetrics;
  private readonly serializer = new PrometheusSerializer();

  private constructor(private readonly exporter: PrometheusExporter) {}

  /**
   * The process's one instance, started by the first call. Instruments are bound to the meter
   * provider of the moment they are created: call this before building what records metrics.
   */
  static start(serviceName: string): PrometheusMetrics {
    if (!PrometheusMetrics.started) {
      const exporter = new PrometheusExporter({ preventServerStart: true });
      const provider = new MeterProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }), readers: [exporter] });
      metrics.setGlobalMeterProvider(provider);
      PrometheusMetrics.started = new PrometheusMetrics(exporter);
    }
    return PrometheusMetrics.started;
  }

  /** Collects every instrument (observable ones call back now) as Prometheus exposition text. */
  async scrape(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(resourceMetrics);
  }
}
