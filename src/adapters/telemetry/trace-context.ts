/**
 * W3C trace context across the pipeline: a `traceparent` (from event metadata) as the parent of a
 * span, NATS message headers as its carrier, and a span around asynchronous work. All through the
 * OpenTelemetry API, so each is a no-op while tracing is not started.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** The trace context a `traceparent` names; a new trace (the root context) when there is none. */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

export const natsHeaderSetter: TextMapSetter<MsgHdrs> = {
  set: (headers, key, value) => headers.set(key, value),
};

const natsHeaderGetter: TextMapGetter<MsgHdrs> = {
  keys: (headers) => headers.keys(),
  get: (headers, key) => headers.get(key) || undefined,
};

/** The trace context a NATS message carries; a new trace when it carries none. */
export function contextOfHeaders(headers: MsgHdrs | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, natsHeaderGetter) : ROOT_CONTEXT;
}

/** NATS headers carrying the active trace context; none outside a span (and so while tracing is off). */
export function activeTraceHeaders(): MsgHdrs | undefined {
  if (!trace.getActiveSpan()) return undefined;
  const headers = natsHeaders();
  propagation.inject(context.active(), headers, natsHeaderSetter);
  return headers;
}

/** Runs `work` in a new active span, a child of `parent`; the span ends when the work settles and records its failure. */
export function inSpan<T>(scope: string, name: string, options: SpanOptions, parent: Context, work: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(scope).startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
