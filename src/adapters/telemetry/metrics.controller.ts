/**
 * `GET /metrics`: Prometheus exposition text, for scrapers. Public like the health probes, outside
 * `/api/v1`, and left out of the OpenAPI document: it is for operators' tooling, not API clients.
 */
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/authenticated-user';
import { PROMETHEUS_CONTENT_TYPE, PrometheusMetrics } from './prometheus-metrics';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PrometheusMetrics) {}

  @Get()
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
