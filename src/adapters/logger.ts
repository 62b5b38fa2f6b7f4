/** JSON logs (pino); secrets are redacted by configuration, wherever they appear. */
import pino, { Logger } from 'pino';
import type { Config } from '../config';

export const REDACTED_PATHS = [
  'password', '*.password', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken', 'token', '*.token',
  'passwordHash', '*.passwordHash', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export const LOGGER = Symbol('Logger');
export type { Logger };
