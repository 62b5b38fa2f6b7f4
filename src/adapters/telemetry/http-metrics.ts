/**
 * HTTP server latency by route (`http.server.request.duration`, in seconds, with the semantic
 * conventions' attributes), from a Fastify hook: recorded whether or not tracing runs.
 */
import { metrics } from '@opentelemetry/api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export function observeHttpLatency(app: NestFastifyApplication): void {
  const duration = metrics.getMeter('switchboard.http').createHistogram('http.server.request.duration', {
    description: 'Duration of HTTP server requests, by method, route template and status',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      // The route template, never the path: ids would make a series per resource. Unmatched requests have none.
      const route = request.routeOptions.url;
      duration.record(reply.elapsedTime / 1000, {
        'http.request.method': request.method,
        'http.response.status_code': reply.statusCode,
        ...(route ? { 'http.route': route } : {}),
      });
    });
}
