/**
 * The log, as application code sees it: what it needs to tell operators (say, at start-up),
 * without depending on the logging adapter. The token is the one the adapter provides under.
 */
export interface OperatorLog {
  warn(fields: object, message: string): void;
}

export const LOGGER = Symbol('Logger');
