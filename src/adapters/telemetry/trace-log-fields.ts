/** The active span's ids for every log line (a pino mixin), so that logs and traces join on `trace_id`. */
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** A fresh object each time: pino merges the line's own fields into it. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}
