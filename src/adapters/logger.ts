/**
 * JSON logs (pino). Secrets are redacted by configuration, wherever they appear; each line made
 * inside a traced operation carries its `trace_id` and `span_id`.
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

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: traceLogFields }, destination);
}

export { LOGGER } from '../ports/logger.port';
export type { Logger };
