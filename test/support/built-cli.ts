/**
 * The operator CLI as operators run it: the built JavaScript (`node dist/src/cli/cli.js`) in a
 * child process, configured by its environment only. The build runs when a source file is newer
 * than the built CLI; test files building at once take turns.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from './poll';

const ROOT = resolve(__dirname, '../..');
const BUILT_CLI = join(ROOT, 'dist/src/cli/cli.js');
const BUILD_LOCK = join(tmpdir(), `switchboard-build-${ROOT.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
/** A lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function newestSourceChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceChange(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}

const builtAt = () => {
  try {
    return statSync(BUILT_CLI).mtimeMs;
  } catch {
    return 0;
  }
};

async function withBuildLock(work: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    await work();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * `tsc -p tsconfig.build.json`, as `npm run build`. Exit 2 means the JavaScript was emitted with
 * type errors: those are the typecheck step's to report, and the CLI under test is built.
 */
export async function ensureBuilt(): Promise<void> {
  await withBuildLock(async () => {
    if (builtAt() > newestSourceChange(join(ROOT, 'src'))) return;
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const build = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], process.env);
    if (build.code !== 0 && build.code !== 2) throw new Error(`the build failed (${build.code}):\n${build.stdout}${build.stderr}`);
  });
}

/** Runs `node dist/src/cli/cli.js <args>` with only the given environment (and PATH, HOME). */
export function runBuiltCli(args: readonly string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  return run(process.execPath, [BUILT_CLI, ...args], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...env }, input);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
