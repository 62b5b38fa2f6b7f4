/**
 * The app's logger: secrets are redacted by its configuration wherever they sit (top level, a
 * body, a request's headers), and a line logged inside a span carries the span's trace and span ids.
 */
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { Tracing } from '../../src/adapters/telemetry/tracing';
import { capturedLogger } from '../support/captured-log';

const lastLine = (lines: string[]) => JSON.parse(lines.at(-1)!) as Record<string, unknown>;

describe('log redaction', () => {
  const secrets = {
    password: 'hunter2-password',
    newPassword: 'next-password-42',
    refreshToken: 'opaque-refresh-token',
    accessToken: 'eyJhbGciOiJFZERTQSJ9.access',
    token: 'a-bare-token',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$salt$hash',
    token_hash: 'sha256-of-a-refresh-token',
    authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.header',
    cookie: 'session=secret-cookie',
  };

  it('redacts tokens, passwords and hashes at the top level, in a body and in headers', () => {
    const { log, lines } = capturedLogger();
    log.info({ password: secrets.password, token: secrets.token, user: 'ada' }, 'top level');
    log.info(
      { reqId: 'r-1', body: { login: 'ada', password: secrets.password, newPassword: secrets.newPassword, refreshToken: secrets.refreshToken } },
      'a body',
    );
    log.info({ request: { headers: { authorization: secrets.authorization, cookie: secrets.cookie, 'user-agent': 'vitest' } } }, 'headers, two levels down');
    log.info(
      { session: { accessToken: secrets.accessToken, token_hash: secrets.token_hash }, credentials: { passwordHash: secrets.passwordHash } },
      'stored things',
    );

    const text = lines.join('\n');
    for (const [field, secret] of Object.entries(secrets)) expect(text.includes(secret), `${field} leaked`).toBe(false);
    expect(text.includes('$argon2')).toBe(false);
    const [top, body, headers] = lines.map((line) => JSON.parse(line) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any -- reading log fields
    expect(top).toMatchObject({ password: '[redacted]', token: '[redacted]', user: 'ada' });
    expect(body!.body).toEqual({ login: 'ada', password: '[redacted]', newPassword: '[redacted]', refreshToken: '[redacted]' });
    expect(headers!.request.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'vitest' });
  });
});

describe('trace ids on log lines', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = Tracing.start({ serviceName: 'logger-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  afterAll(() => tracing.shutdown());

  it('carries the active span’s trace_id and span_id, and none outside a span', () => {
    const { log, lines } = capturedLogger();
    log.info('outside');
    expect(lastLine(lines)).not.toHaveProperty('trace_id');

    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      log.info({ step: 1 }, 'inside');
      span.end();
      return span.spanContext();
    });
    expect(lastLine(lines)).toMatchObject({ step: 1, trace_id: ids.traceId, span_id: ids.spanId });
  });
});
