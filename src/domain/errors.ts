/**
 * The few errors the domain throws. Each names a business rule (`rule`), so that a refusal
 * reads as a sentence: ClosedTicketTakesNoMessages. The HTTP layer maps each kind to a status.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'illegal_state' | 'conflict' | 'precondition_failed' | 'forbidden' | 'unauthenticated' | 'locked';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly rule: string,
    message: string,
    /** For `locked`: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const invalid = (rule: string, message: string) => new DomainError('validation', rule, message);
export const notFound = (rule: string, message: string) => new DomainError('not_found', rule, message);
export const illegalState = (rule: string, message: string) => new DomainError('illegal_state', rule, message);
export const conflict = (rule: string, message: string) => new DomainError('conflict', rule, message);
/** The caller named the revision it read (HTTP If-Match), and the resource has moved on since. */
export const preconditionFailed = (rule: string, message: string) => new DomainError('precondition_failed', rule, message);
export const forbidden = (rule: string, message: string) => new DomainError('forbidden', rule, message);
export const unauthenticated = (rule: string, message: string) => new DomainError('unauthenticated', rule, message);
export const locked = (rule: string, message: string, retryAfterSeconds: number) => new DomainError('locked', rule, message, retryAfterSeconds);
