/** An event as a feed hands it to a projector, with what the feed knows about its place in `$all`. */
import type { RecordedEvent } from '../../ports/event-store.port';

export interface FedEvent {
  event: RecordedEvent;
  /** Position of the event before this one in `$all`, when the feed knows it. */
  previousPosition?: number;
  /** W3C trace context of the delivery (the relay's publish), when it differs from the event's own. */
  traceparent?: string;
}
