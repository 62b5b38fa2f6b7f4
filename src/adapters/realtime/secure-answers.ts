/** The plain HTTP answers of the realtime port (401 and 404 problems, health), each with the security headers. */
import type { HttpResponse } from 'uWebSockets.js';
import { problem, type ProblemCodeName } from '../http/problem-codes';
import { SECURITY_HEADERS } from '../http/security-headers';

/** Call after `writeStatus`, if any: uWS sends the status line with the first header. */
export function withSecurityHeaders(res: HttpResponse): HttpResponse {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.writeHeader(name, value);
  return res;
}

/** A problem+json answer. */
export function respond(res: HttpResponse, name: ProblemCodeName, detail: string): void {
  const body = problem(name, detail);
  withSecurityHeaders(res.writeStatus(`${body.status} ${body.title}`)).writeHeader('content-type', 'application/problem+json');
  if (name === 'unauthenticated') res.writeHeader('www-authenticate', 'Bearer realm="switchboard"');
  res.end(JSON.stringify(body));
}
