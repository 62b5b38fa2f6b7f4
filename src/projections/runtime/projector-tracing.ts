/**
 * A projector batch as a consumer span that continues the trace of what it applies: its parent is
 * the first event's trace context (the relay's publish, or the command that appended the event),
 * and the other events' traces are linked. Change notices published inside it carry its context
 * on to the realtime gateway. A rebuild replays old events: its batches start traces of their own.
 * Written against the OpenTelemetry API only, which is a no-op until an SDK is started.
 */
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Link } from '@opentelemetry/api';
import type { FedEvent } from './fed-event';

const traceparentOf = (fed: FedEvent) => fed.traceparent ?? fed.event.metadata.traceparent;
const contextOf = (traceparent: string | undefined): Context => (traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT);

export function inBatchSpan<T>(projection: string, fed: readonly FedEvent[], live: boolean, apply: () => Promise<T>): Promise<T> {
  const first = fed[0];
  const parent = live && first ? contextOf(traceparentOf(first)) : ROOT_CONTEXT;
  const attributes = {
    'switchboard.projection': projection,
    'messaging.batch.message_count': fed.length,
    'switchboard.position.first': first?.event.position ?? 0,
    'switchboard.position.last': fed[fed.length - 1]?.event.position ?? 0,
  };
  return trace.getTracer('switchboard.projections').startActiveSpan(`project ${projection}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    if (span.isRecording()) span.addLinks(linksOf(fed, live ? traceparentOf(first!) : undefined));
    try {
      return await apply();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** One link per distinct trace context among the events, but the parent's. */
function linksOf(fed: readonly FedEvent[], parent: string | undefined): Link[] {
  const seen = new Set<string>(parent ? [parent] : []);
  const links: Link[] = [];
  for (const one of fed) {
    const traceparent = traceparentOf(one);
    if (!traceparent || seen.has(traceparent)) continue;
    seen.add(traceparent);
    const context = trace.getSpanContext(contextOf(traceparent));
    if (context) links.push({ context, attributes: { 'switchboard.position': one.event.position } });
  }
  return links;
}
