/**
 * `npm run bench -- engine --tracing`: what tracing costs the engine, measured side by side in one
 * process. Off is the no-op OpenTelemetry API, as in the app without OTEL_EXPORTER_OTLP_ENDPOINT;
 * on is the SDK as the app starts it (pg instrumentation, W3C propagation) with a batch span
 * processor whose exporter counts the spans and drops them (engine-tracing.ts).
 *
 * Appends: in each round the engine runs once off and once on (which goes first alternates), and
 * the round's on/off throughput ratio is kept, so that the drift of a shared machine hits both
 * alike; min / median / max of those ratios are reported. Projection lag (append → relay → JetStream
 * → projector COMMIT at a steady rate, set-based handler): runs off, on, on, off, each on a fresh database.
 */
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../src/adapters/postgres/database';
import { migrateToLatest, migrationsFor } from '../src/adapters/postgres/migrate';
import { benchTracing, type BenchTracing } from './engine-tracing';
import { contenders, drive, type Slice } from './engine-appends';
import { lagBenchmark, type LagReport } from './engine-lag';
import type { Settings } from './engine-workload';
import { databaseUrl, ms, passOrMiss, rate, summarize, untyped, withAdmin } from './support';

const TARGET_OVERHEAD = 0.1;
const LAG_RUNS = [false, true, true, false];

/** A timed slice, and the CPU this process spent per append in it (the client side: the benchmark, the store, tracing). */
interface Measured extends Slice {
  cpuMicros: number;
}

interface Round {
  writers: number;
  off: Measured;
  on: Measured;
  /** Spans exported per append while on (warm-up included). */
  spansPerAppend: number;
}

const perSecond = (slice: Slice) => (slice.count / slice.elapsedMs) * 1000;
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

async function appendRounds(url: string, settings: Settings, tracing: BenchTracing): Promise<Round[]> {
  const engine = contenders(url, settings).find((contender) => contender.name === 'engine')!;
  const sliceSeconds = settings.seconds / settings.rounds;
  const rounds: Round[] = [];
  let sliceId = 0;
  for (const writers of settings.writers) {
    for (let round = 0; round < settings.rounds; round++) {
      const slices = new Map<boolean, Measured>();
      let spansPerAppend = 0;
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        tracing.set(on);
        const spansBefore = await tracing.exportedSpans();
        const session = await engine.open(writers, `${on ? 't' : 'u'}${sliceId++}`);
        try {
          await session.connect();
          const appends = Array.from({ length: writers }, (_, i) => session.writer(i));
          const warm = await drive(appends, settings.warmupSeconds, false);
          const cpuBefore = process.cpuUsage();
          const timed = await drive(appends, sliceSeconds, true);
          const cpu = process.cpuUsage(cpuBefore);
          const cpuMicros = (cpu.user + cpu.system) / Math.max(1, timed.count);
          slices.set(on, { ...timed, cpuMicros, errors: warm.errors + timed.errors, firstError: warm.firstError ?? timed.firstError });
          if (on) spansPerAppend = ((await tracing.exportedSpans()) - spansBefore) / Math.max(1, warm.count + timed.count);
        } finally {
          await session.close();
        }
      }
      tracing.set(false);
      const done = { writers, off: slices.get(false)!, on: slices.get(true)!, spansPerAppend };
      rounds.push(done);
      process.stderr.write(
        `  ${String(writers).padStart(2)} writers, round ${round + 1}/${settings.rounds}: off ${rate(perSecond(done.off))}, on ${rate(perSecond(done.on))} appends/s ` +
          `(on/off ${(perSecond(done.on) / perSecond(done.off)).toFixed(3)})\n`,
      );
    }
  }
  return rounds;
}

function printAppendOverhead(rounds: readonly Round[], settings: Settings): void {
  const spans = median(rounds.map((r) => r.spansPerAppend));
  console.log(
    `Appends (PostgresEventStore.append), tracing off vs on (${spans.toFixed(1)} spans exported per append when on), ${settings.rounds} interleaved rounds per writer count:`,
  );
  const header = [
    'writers',
    'off appends/s',
    'on appends/s',
    'on/off min',
    'median',
    'max',
    'p50 ms off→on',
    'p99 ms off→on',
    'CPU µs/append off→on',
    'overhead',
  ];
  const rows = settings.writers.map((writers) => {
    const mine = rounds.filter((r) => r.writers === writers);
    const ratios = mine.map((r) => perSecond(r.on) / perSecond(r.off));
    const merged = (on: boolean) => summarize(mine.flatMap((r) => (on ? r.on : r.off).latencies));
    const total = (on: boolean) =>
      (mine.reduce((sum, r) => sum + (on ? r.on : r.off).count, 0) / mine.reduce((sum, r) => sum + (on ? r.on : r.off).elapsedMs, 0)) * 1000;
    const [off, on] = [merged(false), merged(true)];
    const cpu = (on: boolean) => median(mine.map((r) => (on ? r.on : r.off).cpuMicros)).toFixed(0);
    const overhead = 1 - median(ratios);
    return [
      String(writers),
      rate(total(false)),
      rate(total(true)),
      Math.min(...ratios).toFixed(3),
      median(ratios).toFixed(3),
      Math.max(...ratios).toFixed(3),
      `${ms(off.p50)} → ${ms(on.p50)}`,
      `${ms(off.p99)} → ${ms(on.p99)}`,
      `${cpu(false)} → ${cpu(true)}`,
      `${percent(overhead)} (target < ${percent(TARGET_OVERHEAD)}) ${passOrMiss(overhead < TARGET_OVERHEAD)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
  for (const round of rounds.filter((r) => r.off.errors + r.on.errors > 0)) {
    const first = round.off.firstError ?? round.on.firstError;
    console.log(
      `! ${round.writers} writers: ${round.off.errors + round.on.errors} failed appends (first: ${first instanceof Error ? first.message : String(first)})`,
    );
  }
}

interface LagRun {
  on: boolean;
  report: LagReport;
  spansPerEvent: number;
}

function printLagOverhead(runs: readonly LagRun[], settings: Settings): void {
  console.log(
    `Projection lag (append → read-model COMMIT) at ${rate(settings.lagRate)} events/s for ${settings.lagSeconds} s, ${settings.lagWriters} writers, set-based handler:`,
  );
  for (const [i, { on, report, spansPerEvent }] of runs.entries()) {
    const { p50, p99, max } = report.toCommitted;
    const spans = on ? `, ${spansPerEvent.toFixed(1)} spans exported per event` : '';
    console.log(
      `  run ${i + 1}, tracing ${on ? 'on ' : 'off'}: p50 ${ms(p50).padStart(6)} ms, p99 ${ms(p99).padStart(6)} ms, max ${ms(max).padStart(6)} ms; ` +
        `projected ${rate(report.projected)}/${rate(report.measured)}, ${rate(report.batches)} batches${spans}`,
    );
  }
  const of = (on: boolean, pick: (r: LagReport) => number) => median(runs.filter((r) => r.on === on).map((r) => pick(r.report)));
  for (const [label, pick] of [
    ['p50', (r: LagReport) => r.toCommitted.p50],
    ['p99', (r: LagReport) => r.toCommitted.p99],
  ] as const) {
    const [off, on] = [of(false, pick), of(true, pick)];
    console.log(`  ${label}: off ${ms(off)} ms, on ${ms(on)} ms, on/off ${(on / off).toFixed(2)}×`);
  }
}

export async function tracingOverhead(settings: Settings): Promise<void> {
  const tracing = benchTracing;
  if (!tracing) throw new Error('tracing was not started: engine-tracing.ts must be imported before pg loads');
  const id = `${Date.now().toString(36)}_${process.pid}`;
  const appendDb = `sb_bench_tracing_${id}_append`;
  const lagDbs = LAG_RUNS.map((on, i) => `sb_bench_tracing_${id}_lag${i}_${on ? 'on' : 'off'}`);
  const created: string[] = [];
  console.log(
    `engine benchmark, tracing off vs on — ${settings.writers.join('/')} writers, ${settings.seconds} s per writer count and mode in ${settings.rounds} rounds ` +
      `(+${settings.warmupSeconds} s warm-up each), ${settings.dataBytes}-byte event data`,
  );
  try {
    for (const name of [appendDb, ...lagDbs]) {
      await withAdmin(settings.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
    }
    const appendUrl = databaseUrl(settings.adminUrl, appendDb);
    const setup = openPostgres(appendUrl, 2);
    try {
      await migrateToLatest(untyped(setup.db), migrationsFor({ sqlEventStore: true, projections: [] }));
    } finally {
      await setup.close();
    }
    const rounds = await appendRounds(appendUrl, settings, tracing);
    console.log('');
    printAppendOverhead(rounds, settings);

    const runs: LagRun[] = [];
    for (const [i, on] of LAG_RUNS.entries()) {
      tracing.set(on);
      const spansBefore = await tracing.exportedSpans();
      const started = performance.now();
      const names = { streamName: `BENCH_TRACING_${id}_${i}`, subjectPrefix: `bench_tracing_${id}_${i}`, handler: 'batch' as const };
      const report = await lagBenchmark(databaseUrl(settings.adminUrl, lagDbs[i]!), settings, names, () => undefined);
      const spansPerEvent = ((await tracing.exportedSpans()) - spansBefore) / Math.max(1, report.issued);
      tracing.set(false);
      runs.push({ on, report, spansPerEvent });
      process.stderr.write(
        `  lag run ${i + 1}/${LAG_RUNS.length} (tracing ${on ? 'on' : 'off'}) took ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
    console.log('');
    printLagOverhead(runs, settings);
    console.log('');
  } finally {
    await tracing.shutdown();
    await withAdmin(settings.adminUrl, async (client) => {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }).catch((error: unknown) => console.error(`could not drop ${created.join(', ')}:`, error));
  }
}
