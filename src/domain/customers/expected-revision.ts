/**
 * Optimistic concurrency as the caller sees it: a change may name the revision it was made
 * against (HTTP If-Match). The decider compares it with the revision it decides on, and the
 * command runner appends expecting that very revision, so a change that slipped in between
 * fails the append, is re-decided, and then refused here: the check and the write are one.
 */
import { preconditionFailed } from '../errors';

export function requireRevision(actual: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== actual) {
    throw preconditionFailed('ChangesApplyToTheRevisionRead', `the resource is at revision ${actual}, not ${expected}; read it again`);
  }
}
