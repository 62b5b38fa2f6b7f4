/**
 * The gateway's push of one change notice to its subscribers, as a span inside the trace context
 * the notice arrived with (the projector batch that committed the change). Notices of views that
 * no websocket topic shows are handed on untraced: every gateway hears every notice.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { ChangeNotice } from '../../ports/change-bus.port';
import { topicsOfChange } from '../realtime/change-topics';

export function tracedPush(change: ChangeNotice, push: () => void): void {
  if (topicsOfChange(change).length === 0) return push();
  const attributes = { 'switchboard.view': change.view, 'switchboard.change.type': change.type, 'switchboard.position': change.position };
  trace.getTracer('switchboard.realtime').startActiveSpan(`push ${change.view}`, { kind: SpanKind.CONSUMER, attributes }, (span) => {
    try {
      push();
    } finally {
      span.end();
    }
  });
}
