/**
 * Stable problem codes: 1xxx auth, 2xxx validation, 3xxx resource, 4xxx storage, 5xxx external
 * and limits. Clients switch on `code`; never renumber one.
 */
export const problemCodes = {
  unauthenticated: { code: 1001, status: 401, title: 'Authentication required' },
  invalidCredentials: { code: 1002, status: 401, title: 'Invalid credentials' },
  accountLocked: { code: 1004, status: 429, title: 'Too many failed attempts' },
  alreadyTaken: { code: 3006, status: 409, title: 'Already taken' },
  forbidden: { code: 1003, status: 403, title: 'Forbidden' },
  validationFailed: { code: 2001, status: 400, title: 'The request is not valid' },
  malformedBody: { code: 2002, status: 400, title: 'The request body is not valid JSON' },
  /** Text PostgreSQL cannot store (U+0000, a lone surrogate), refused at the edge by storable-text.ts. */
  invalidFormat: { code: 2004, status: 400, title: 'Invalid format' },
  ruleViolated: { code: 2003, status: 422, title: 'The request breaks a business rule' },
  notFound: { code: 3001, status: 404, title: 'Not found' },
  concurrencyConflict: { code: 3002, status: 409, title: 'The resource was changed concurrently' },
  illegalState: { code: 3003, status: 409, title: 'The resource is not in a state that allows this' },
  conflict: { code: 3004, status: 409, title: 'Conflict' },
  methodNotAllowed: { code: 3005, status: 405, title: 'Method not allowed' },
  preconditionFailed: { code: 3007, status: 412, title: 'The resource has changed since the revision named in If-Match' },
  syncConflict: { code: 3008, status: 409, title: 'Records you pushed changed on the server since your last pull' },
  storageUnavailable: { code: 4001, status: 503, title: 'Storage is unavailable' },
  projectionNotCaughtUp: { code: 4002, status: 503, title: 'The read model has not caught up yet' },
  shuttingDown: { code: 4003, status: 503, title: 'The server is shutting down' },
  notReady: { code: 4004, status: 503, title: 'Not ready' },
  payloadTooLarge: { code: 5001, status: 413, title: 'The request is too large' },
  rateLimited: { code: 5002, status: 429, title: 'Too many requests' },
  unsupportedMediaType: { code: 5003, status: 415, title: 'Unsupported media type' },
  /** Realtime only: a socket holds at most REALTIME_MAX_SUBSCRIPTIONS topics. */
  tooManySubscriptions: { code: 5004, status: 429, title: 'Too many subscriptions' },
  internal: { code: 5000, status: 500, title: 'Internal error' },
} as const;

export type ProblemCodeName = keyof typeof problemCodes;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: number;
  instance?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export function problem(name: ProblemCodeName, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  const { code, status, title } = problemCodes[name];
  return { type: `https://switchboard.dev/problems/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, title, status, code, detail, ...extra };
}
