/**
 * JSON logs (pino). Secrets are redacted by configuration, wherever they appear; each line made
 * inside a traced operation carries its `trace_id` and `span_id`. Logging never blocks the process
 * and never ends it, whatever becomes of stdout's reader (see stdoutDestination).
 */
import pino, { DestinationStream, Logger } from 'pino';
import type { Config } from '../config';
import { traceLogFields } from './telemetry/trace-log-fields';

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'accessToken',
  'token',
  'access_token',
  'refresh_token',
  'passwordHash',
  'password_hash',
  'tokenHash',
  'token_hash',
  'refreshTokenHash',
  'hash',
  'secret',
  'authorization',
  'cookie',
];

/** Wherever a secret field appears, one or two levels down (a body, a request's headers, a query). */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/** What stdout may hold for a reader that has stopped reading before lines are dropped: the bound on the log's memory. */
export const MAX_BUFFERED_LOG_BYTES = 4 * 1024 * 1024;

type Stdout = NodeJS.WritableStream & { writableLength: number };

/** Per stream, shared by every logger on it: one error listener, one count of dropped lines. */
const outputs = new WeakMap<Stdout, { broken: boolean; dropped: number }>();

/**
 * Lines go through process.stdout, which on a pipe or socket writes without blocking and queues
 * the rest. pino's default, a synchronous write to fd 1, blocked the whole event loop (timers,
 * shutdown's included) once a pipe that nobody read was full, or retried EAGAIN forever. Here a
 * stalled reader costs at most `maxBufferedBytes`; lines past it are dropped and their number
 * logged once it reads again. A reader that has gone (EPIPE) ends the logging, not the process.
 */
export function stdoutDestination(stdout: Stdout = process.stdout, maxBufferedBytes = MAX_BUFFERED_LOG_BYTES): DestinationStream {
  let output = outputs.get(stdout);
  if (!output) {
    const state = { broken: false, dropped: 0 };
    stdout.on('error', () => {
      state.broken = true;
    });
    outputs.set(stdout, state);
    output = state;
  }
  const state = output;
  return {
    write(line: string): void {
      if (state.broken) return;
      if (stdout.writableLength > maxBufferedBytes) {
        state.dropped++;
        return;
      }
      if (state.dropped > 0) {
        stdout.write(`${JSON.stringify({ level: 40, time: Date.now(), dropped: state.dropped, msg: 'log lines dropped: stdout was not being read' })}\n`);
        state.dropped = 0;
      }
      stdout.write(line);
    },
  };
}

/** Resolves once stdout has written what it holds, or at `deadline` (epoch ms), whichever comes first. */
export function stdoutFlushed(deadline: number, stdout: Stdout = process.stdout): Promise<void> {
  if (stdout.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
    stdout.once('drain', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination: DestinationStream = stdoutDestination()): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: traceLogFields }, destination);
}

export { LOGGER } from '../ports/logger.port';
export type { Logger };
