/** Names the request id on the HTTP server span, so that a trace can be found from an `x-request-id`. */
import { context } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

export function tagRequestSpan(requestId: string): void {
  getRPCMetadata(context.active())?.span.setAttribute('http.request.id', requestId);
}
