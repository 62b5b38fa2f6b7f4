/**
 * Change notices on NATS core, `changes.<prefix>.<view>.<key>`: every gateway instance of this
 * deployment hears every change, and only this deployment's. The prefix is the deployment's subject
 * prefix (NATS_SUBJECT_PREFIX), as for presence and signals, so that deployments sharing a NATS keep
 * apart; it is not the first token, where the deployment's JetStream stream would capture the notices.
 * The trace context of the publisher (a projector's batch span) travels in the message headers,
 * and each notice is handed on inside it, so the gateway's push span continues the trace.
 */
import { context } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ChangeBus, ChangeNotice } from '../../ports/change-bus.port';
import { activeTraceHeaders, contextOfHeaders } from '../telemetry/trace-context';

const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

export class NatsChangeBus implements ChangeBus {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
  ) {}

  publish(changes: readonly ChangeNotice[]): void {
    const headers = activeTraceHeaders();
    for (const change of changes)
      this.nc.publish(`changes.${this.subjectPrefix}.${token(change.view)}.${token(change.key)}`, JSON.stringify(change), { headers });
  }

  subscribe(pattern: string, onChange: (change: ChangeNotice) => void): () => void {
    const subscription = this.nc.subscribe(`changes.${this.subjectPrefix}.${pattern}`, {
      callback: (error, message) => {
        if (!error) context.with(contextOfHeaders(message.headers), () => onChange(message.json<ChangeNotice>()));
      },
    });
    return () => subscription.unsubscribe();
  }

  async close(): Promise<void> {
    // The connection belongs to the bus module, which drains it.
  }
}
