/**
 * What running a command reports: a span (the parent of its appends and, through the traceparent
 * stamped on its events, of the relay, projector and gateway spans downstream), commands by type
 * and outcome, and concurrency retries. Written against the OpenTelemetry API only, which is a
 * no-op until the telemetry adapter starts an SDK.
 */
import { context, metrics, propagation, SpanStatusCode, trace, type Attributes, type Counter } from '@opentelemetry/api';
import { DomainError } from '../domain/errors';

const SCOPE = 'switchboard.commands';

/** accepted: done (appended, or nothing to append); rejected: a domain rule refused it; failed: anything else. */
export type CommandOutcome = 'accepted' | 'rejected' | 'failed';

export class CommandTelemetry {
  private readonly commands: Counter;
  private readonly retries: Counter;

  constructor() {
    const meter = metrics.getMeter(SCOPE);
    this.commands = meter.createCounter('switchboard.commands', { description: 'Commands run, by command type and outcome (accepted, rejected, failed)' });
    this.retries = meter.createCounter('switchboard.commands.concurrency_retries', {
      description: 'Re-reads and re-decisions after another writer changed the stream first, by command type',
    });
  }

  /** `attributes`: what else the span should say, such as the stream of a one-stream command. */
  async observe<T>(type: string, attributes: Attributes, run: () => Promise<T>): Promise<T> {
    return trace.getTracer(SCOPE).startActiveSpan(`command ${type}`, { attributes: { 'switchboard.command.type': type, ...attributes } }, async (span) => {
      let outcome: CommandOutcome = 'failed';
      try {
        const result = await run();
        outcome = 'accepted';
        return result;
      } catch (error) {
        if (error instanceof DomainError) outcome = 'rejected';
        else span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.setAttribute('switchboard.command.outcome', outcome);
        span.end();
        this.commands.add(1, { type, outcome });
      }
    });
  }

  retried(type: string): void {
    this.retries.add(1, { type });
  }
}

/** The active span's W3C traceparent, to stamp on the events a command appends; undefined while tracing is off. */
export function activeTraceparent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
