/**
 * What an event store adapter reports about each append: a client span (a child of the command's)
 * and the append latency histogram, by outcome.
 *
 * The span stands for the database call itself. The append runs outside it, so that the pg
 * instrumentation, which only traces queries made under a span, does not add a second span for the
 * same one statement: appends are the hottest path, and tracing's cost there is measured
 * (`npm run bench -- engine --tracing`).
 */
import { performance } from 'node:perf_hooks';
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Histogram } from '@opentelemetry/api';
import { categoryOf, WrongExpectedRevisionError, type AppendResult, type StreamAppend } from '../../ports/event-store.port';

const SCOPE = 'switchboard.eventstore';

export class AppendTelemetry {
  private readonly duration: Histogram;

  /** `system` names the database the adapter appends to: `postgresql`, `kurrentdb`. */
  constructor(private readonly system: string) {
    this.duration = metrics.getMeter(SCOPE).createHistogram('switchboard.eventstore.append.duration', {
      description: 'Time to append one batch of events to a stream (or to several at once), by outcome (appended, conflict, failed)',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    });
  }

  observe(stream: string, eventCount: number, append: () => Promise<AppendResult>): Promise<AppendResult> {
    return this.traced(categoryOf(stream), { 'switchboard.stream': stream, 'switchboard.event_count': eventCount }, append, (result) => ({
      'switchboard.revision': result.revision,
      'switchboard.position': result.position,
    }));
  }

  /** An atomic append to several streams: one span and one timing, under the categories it spans (`project+task`). */
  observeMany(appends: readonly StreamAppend[], append: () => Promise<AppendResult[]>): Promise<AppendResult[]> {
    const category = [...new Set(appends.map((a) => categoryOf(a.stream)))].sort().join('+');
    const eventCount = appends.reduce((sum, a) => sum + a.events.length, 0);
    return this.traced(category, { 'switchboard.streams': appends.length, 'switchboard.event_count': eventCount }, append, (results) => ({
      'switchboard.position': Math.max(0, ...results.map((result) => result.position)),
    }));
  }

  private async traced<T>(category: string, attributes: Attributes, append: () => Promise<T>, resultAttributes: (result: T) => Attributes): Promise<T> {
    const span = trace.getTracer(SCOPE).startSpan(`append ${category}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': this.system, ...attributes },
    });
    const started = performance.now();
    let outcome = 'failed';
    try {
      const result = await context.with(trace.deleteSpan(context.active()), append);
      outcome = 'appended';
      span.setAttributes(resultAttributes(result));
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) outcome = 'conflict';
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.setAttribute('switchboard.append.outcome', outcome);
      span.end();
      this.duration.record((performance.now() - started) / 1000, { system: this.system, category, outcome });
    }
  }
}
