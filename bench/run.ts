/**
 * Benchmark dispatcher: `npm run bench -- <name> [args]` (that is, `node dist/bench/run.js <name> [args]`).
 * To add a benchmark, write `bench/<name>.bench.ts` exporting `run(args)` and add one line below
 * (with the `.js` extension: under module node16, `import()` resolves like ESM even in CommonJS).
 */

export interface Benchmark {
  /** Runs the benchmark and prints its report; rejects on failure. */
  run(args: readonly string[]): Promise<void>;
}

/** Every benchmark, by name. Loaded lazily so that one benchmark's imports never slow another. */
export const benchmarks: Record<string, () => Promise<Benchmark>> = {
  engine: () => import('./engine.bench.js'),
  auth: () => import('./auth.bench.js'),
  tickets: () => import('./tickets.bench.js'),
  realtime: () => import('./realtime.bench.js'),
  customers: () => import('./customers.bench.js'),
  voice: () => import('./voice.bench.js'),
  sync: () => import('./sync.bench.js'),
};

function usage(): string {
  return ['usage: npm run bench -- <name> [args]', '', 'benchmarks:', ...Object.keys(benchmarks).map((name) => `  ${name}`)].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  const load = Object.hasOwn(benchmarks, name) ? benchmarks[name] : undefined;
  if (!load) {
    console.error(`unknown benchmark: ${name}\n\n${usage()}`);
    return 1;
  }
  const benchmark = await load();
  await benchmark.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A benchmark closes what it opens; if a stray handle still keeps the process alive, do not hang.
    setTimeout(() => {
      console.error('bench: open handles kept the process alive after the benchmark ended; exiting');
      process.exit(process.exitCode ?? 0);
    }, 5000).unref();
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
