/**
 * Which failures say nothing about the event being applied. A projector retries these for as long
 * as they last and never parks an event for them: parking every event while the database restarts
 * would empty a read model. Any other error a handler throws counts against the event.
 */

/** SQLSTATE classes: connection exception, transaction rollback (deadlock, serialization), insufficient resources, operator intervention, system error. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
/** undefined_table: the read model is not migrated yet, or was dropped for a restore. */
const TRANSIENT_SQLSTATES = new Set(['42P01']);
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** node-postgres reports a dropped or refused connection without a code. */
const TRANSIENT_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|client has encountered a connection error|cannot use a pool after calling end/i;

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)) || TRANSIENT_SQLSTATES.has(code);
  }
  return TRANSIENT_MESSAGE.test(error.message);
}

/** A projection's handler threw: the error is the event's (or the batch's) unless it is transient. */
export class ProjectionHandlerError extends Error {
  override readonly name = 'ProjectionHandlerError';
  constructor(
    readonly projection: string,
    /** The failing event's position; undefined when a batch handler failed on a batch of several. */
    readonly position: number | undefined,
    override readonly cause: unknown,
    /** Whether trying the event again may help; an event the catalog cannot read never will. */
    { retryable = true }: { retryable?: boolean } = {},
  ) {
    super(
      `${projection}: ${position === undefined ? 'a batch' : `the event at position ${position}`} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.retryable = retryable;
  }

  readonly retryable: boolean;

  get blamesEvents(): boolean {
    return !isTransientError(this.cause);
  }
}
