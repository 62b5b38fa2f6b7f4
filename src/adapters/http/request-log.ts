/**
 * One JSON line per request (id, method, path, status, duration; its trace and span ids when
 * traced), and at debug level its headers and body. The request id also tags the trace. Secrets
 * in them are redacted by the logger's configuration; query strings are left out of the path
 * because tokens can travel there.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '../logger';
import { tagRequestSpan } from '../telemetry/request-span';

export function logRequests(app: NestFastifyApplication, log: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    tagRequestSpan(request.id);
  });
  fastify.addHook('preHandler', async (request) => {
    if (log.isLevelEnabled('debug')) log.debug({ reqId: request.id, headers: request.headers, body: request.body }, 'request received');
  });
  fastify.addHook('onResponse', async (request, reply) => {
    log.info(
      { reqId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
}
