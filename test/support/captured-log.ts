/** The app's own logger (redaction included), writing lines a test can read back. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/adapters/logger';

export function capturedLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ LOG_LEVEL: 'trace' }, sink), lines };
}
