/**
 * The pieces that bound shutdown: the log destination never blocks and never throws, whatever
 * stdout does, and the signal handler exits at the grace even when closing never finishes.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, stdoutDestination } from '../../src/adapters/logger';
import { shutdownOnSignal } from '../../src/adapters/shutdown-on-signal';
import { waitUntil } from '../support/poll';

/** A stdout whose reader does not read: it buffers, and reports what it holds as writableLength. */
const stalledStdout = () => new PassThrough({ highWaterMark: 16 });

describe('the log destination', () => {
  it('drops lines past the bound while nobody reads, and says how many once the reader is back', async () => {
    const stdout = stalledStdout();
    const log = createLogger({ LOG_LEVEL: 'info' }, stdoutDestination(stdout, 1024));
    for (let i = 0; i < 200; i++) log.info({ i }, 'a line of some length to fill the buffer');
    expect(stdout.writableLength).toBeLessThan(1024 + 200);
    const lines: string[] = [];
    stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    await waitUntil(() => stdout.writableLength === 0, 2_000, 'stdout drained');
    log.info('after');
    await waitUntil(() => lines.some((line) => line.includes('"after"')), 2_000, 'the next line written');
    const notice = lines.map((line) => JSON.parse(line) as { msg: string; dropped?: number }).find((line) => line.dropped);
    expect(notice?.msg).toMatch(/dropped/);
    expect(lines.length + notice!.dropped! - 2).toBe(200);
  });

  it('stops logging, without throwing, once stdout fails (EPIPE)', () => {
    const stdout = stalledStdout();
    const log = createLogger({ LOG_LEVEL: 'info' }, stdoutDestination(stdout));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const before = stdout.writableLength;
    expect(() => log.info('into a broken pipe')).not.toThrow();
    expect(stdout.writableLength).toBe(before);
  });
});

describe('shutdown on a signal', () => {
  const listeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  afterEach(() => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) if (!listeners[signal].includes(listener)) process.off(signal, listener);
    }
  });

  it('exits 1 at the grace when closing never finishes', async () => {
    const exits: number[] = [];
    const started = Date.now();
    shutdownOnSignal(
      () => new Promise(() => undefined),
      createLogger({ LOG_LEVEL: 'silent' }),
      200,
      (code) => exits.push(code),
    );
    process.emit('SIGTERM', 'SIGTERM');
    await waitUntil(() => exits.length > 0, 2_000, 'an exit');
    expect(exits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('exits 0 once closed, and 1 at a second signal', async () => {
    const exits: number[] = [];
    shutdownOnSignal(
      () => Promise.resolve(),
      createLogger({ LOG_LEVEL: 'silent' }),
      5_000,
      (code) => exits.push(code),
    );
    process.emit('SIGTERM', 'SIGTERM');
    await waitUntil(() => exits.length > 0, 2_000, 'an exit');
    expect(exits).toEqual([0]);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([0, 1]);
  });
});
