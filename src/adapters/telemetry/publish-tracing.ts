/**
 * The relay's publish of one event, as a producer span: a child of the command that appended the
 * event (the traceparent in its metadata). The span's own context replaces that traceparent in the
 * message headers, so each projector's batch span continues from the publish.
 */
import { context, propagation, SpanKind } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { RecordedEvent } from '../../ports/event-store.port';
import { contextOfTraceparent, inSpan, natsHeaderSetter } from './trace-context';

export function tracedPublish<T>(subject: string, event: RecordedEvent, headers: MsgHdrs, publish: () => Promise<T>): Promise<T> {
  const attributes = {
    'messaging.system': 'nats',
    'messaging.operation.type': 'send',
    'messaging.destination.name': subject,
    'messaging.message.id': event.id,
    'switchboard.position': event.position,
  };
  return inSpan('switchboard.relay', `publish ${subject}`, { kind: SpanKind.PRODUCER, attributes }, contextOfTraceparent(event.metadata.traceparent), () => {
    propagation.inject(context.active(), headers, natsHeaderSetter);
    return publish();
  });
}
