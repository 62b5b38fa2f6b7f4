/**
 * Tracing for `npm run bench -- engine --tracing`, which measures what tracing costs: the real SDK
 * (tracing.ts: pg instrumentation, W3C propagation, a BatchSpanProcessor) exporting to a sink that
 * counts spans and drops them, switched on and off between interleaved rounds.
 *
 * engine.bench.ts imports this module first, and run.ts loads that benchmark lazily, so the SDK
 * starts before pg is first required, as register.ts makes it in the app: the pg instrumentation
 * patches modules as they load. Without `--tracing` nothing starts.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Tracing } from '../src/adapters/telemetry/tracing';

/** An exporter that counts and forgets: tracing's cost in the process, without a collector's. */
class CountingSink implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

export interface BenchTracing {
  /** Tracing on (SDK registered, modules patched) or off (the no-op API, as without OTEL_EXPORTER_OTLP_ENDPOINT). */
  set(on: boolean): void;
  /** Spans exported so far (flushes the batch processor first). */
  exportedSpans(): Promise<number>;
  shutdown(): Promise<void>;
}

function startOff(): BenchTracing {
  const sink = new CountingSink();
  const processor = new BatchSpanProcessor(sink);
  const tracing = Tracing.start({ serviceName: 'switchboard-bench', spanProcessors: [processor] });
  tracing.pause();
  let on = false;
  return {
    set(wanted) {
      if (wanted === on) return;
      if (wanted) tracing.resume();
      else tracing.pause();
      on = wanted;
    },
    async exportedSpans() {
      await processor.forceFlush();
      return sink.exported;
    },
    async shutdown() {
      this.set(true);
      await tracing.shutdown();
    },
  };
}

export const TRACING_FLAG = '--tracing';
export const benchTracing: BenchTracing | undefined = process.argv.includes(TRACING_FLAG) ? startOff() : undefined;
