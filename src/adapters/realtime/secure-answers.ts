/** The security headers every plain HTTP answer of the realtime port carries (401 and 404 problems, health, metrics). */
import type { HttpResponse } from 'uWebSockets.js';
import { SECURITY_HEADERS } from '../http/security-headers';

/** Call after `writeStatus`, if any: uWS sends the status line with the first header. */
export function withSecurityHeaders(res: HttpResponse): HttpResponse {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.writeHeader(name, value);
  return res;
}
