/**
 * Security headers, the same at every edge: helmet's set on the API port, with a
 * Content-Security-Policy that allows nothing (JSON needs nothing), except on `/docs`, whose Swagger
 * UI loads its own scripts and styles and uses inline styles and data: images. Answers made outside
 * Fastify (the realtime port's, the metrics port's) send SECURITY_HEADERS.
 */
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** What Swagger UI needs and no more: everything from this origin, inline styles, data: icons. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** For plain HTTP answers outside Fastify: nothing there is meant for a browser to render, frame or cache. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': API_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');

export async function secureHeaders(app: NestFastifyApplication): Promise<void> {
  // helmet's own CSP is off: one policy for every route but one is simpler set here, per request.
  await app.register(helmet, { contentSecurityPolicy: false });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      void reply.header('content-security-policy', isDocs(request.url) ? DOCS_CSP : API_CSP);
    });
}
