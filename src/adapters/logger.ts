/** JSON logs (pino); secrets are redacted by configuration, wherever they appear. */
import pino, { DestinationStream, Logger } from 'pino';
import type { Config } from '../config';

const SECRET_FIELDS = ['password', 'currentPassword', 'newPassword', 'refreshToken', 'accessToken', 'token', 'passwordHash', 'password_hash', 'authorization', 'cookie', 'access_token'];

/** Wherever a secret field appears, one or two levels down (a body, a request's headers, a query). */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

export const LOGGER = Symbol('Logger');
export type { Logger };
