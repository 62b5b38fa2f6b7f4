/**
 * Metrics in the app: `GET /metrics` on its own port (metrics-server.ts), and the pipeline and realtime observers, registered once
 * the app is up and removed before it closes (the database and NATS they read close after).
 */
import { BeforeApplicationShutdown, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '../../config';
import type { Infrastructure } from '../infrastructure';
import { INFRASTRUCTURE } from '../infrastructure.tokens';
import { LOGGER, type Logger } from '../logger';
import { RealtimeModule } from '../realtime/realtime.module';
import { RealtimeGateway } from '../realtime/realtime-gateway';
import { MetricsServer } from './metrics-server';
import { observePipeline } from './pipeline-metrics';
import { PrometheusMetrics } from './prometheus-metrics';
import { observeRealtime } from './realtime-metrics';

@Injectable()
class MetricsObservers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stops: (() => void)[] = [];

  constructor(
    @Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly gateway: RealtimeGateway,
  ) {}

  onApplicationBootstrap(): void {
    const onError = (error: unknown) => this.log.warn({ err: error }, 'could not observe the pipeline metrics');
    this.stops = [observePipeline(this.infrastructure, onError), observeRealtime(this.gateway)];
  }

  beforeApplicationShutdown(): void {
    for (const stop of this.stops) stop();
    this.stops = [];
  }
}

@Module({
  imports: [RealtimeModule],
  providers: [
    { provide: PrometheusMetrics, useFactory: (config: Config) => PrometheusMetrics.start(config.OTEL_SERVICE_NAME), inject: [CONFIG] },
    MetricsObservers,
    MetricsServer,
  ],
  exports: [MetricsServer],
})
export class TelemetryModule {}
