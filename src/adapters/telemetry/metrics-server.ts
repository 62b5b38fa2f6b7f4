/**
 * `GET /metrics` (Prometheus exposition text) on a port of its own, METRICS_PORT on METRICS_HOST,
 * loopback by default: the text names routes, projections and consumers, and each scrape costs
 * reads, so it is for the operators' scraper next to the process, not for whoever reaches the API
 * port. Another host scrapes it only where METRICS_HOST says so (say, a private interface).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '../../config';
import { problem, type ProblemCodeName } from '../http/problem-codes';
import { SECURITY_HEADERS } from '../http/security-headers';
import { LOGGER, type Logger } from '../logger';
import { PROMETHEUS_CONTENT_TYPE, PrometheusMetrics } from './prometheus-metrics';

export type MetricsServerConfig = Pick<Config, 'METRICS_ENABLED' | 'METRICS_PORT' | 'METRICS_HOST'>;

@Injectable()
export class MetricsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(CONFIG) private readonly config: MetricsServerConfig,
    private readonly metrics: PrometheusMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The port it listens on (the chosen one when configured with 0). */
  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the metrics server is not listening');
    return address.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.METRICS_ENABLED || this.server) return;
    const server = createServer((request, response) => this.serve(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.METRICS_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info({ port: this.port, host: this.config.METRICS_HOST }, `metrics at http://${this.config.METRICS_HOST}:${this.port}/metrics`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return answer(response, 'notFound', 'metrics are served at /metrics');
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 'methodNotAllowed', 'GET /metrics');
    this.metrics.scrape().then(
      (text) => response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': PROMETHEUS_CONTENT_TYPE }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        this.log.error({ err: error }, 'metrics scrape failed');
        answer(response, 'internal', 'the metrics could not be collected');
      },
    );
  }
}

function answer(response: ServerResponse, name: ProblemCodeName, detail: string): void {
  const body = problem(name, detail);
  response.writeHead(body.status, { ...SECURITY_HEADERS, 'content-type': 'application/problem+json' }).end(JSON.stringify(body));
}
