/**
 * An event that the catalog cannot read or write: of an unknown type, of a version this code does
 * not know, or whose data fails its schema (after upcasting). Commands fail with it; projections
 * park the event with it as the reason; an append of such an event writes nothing.
 */

/** Where the event is (or was to be written). */
export interface EventPlace {
  type: string;
  stream: string;
  /** Absent for an event not yet appended. */
  revision?: number;
  position?: number;
  schemaVersion: number;
}

export class EventSchemaError extends Error {
  override readonly name = 'EventSchemaError';

  constructor(
    readonly place: EventPlace,
    readonly problem: string,
    /** zod's issues, each as `path: message`. */
    readonly issues: readonly string[] = [],
  ) {
    const { type, schemaVersion, stream, revision, position } = place;
    const where = revision === undefined ? `appended to ${stream}` : `at ${stream}@${revision} (position ${position})`;
    super(`event ${type} v${schemaVersion} ${where}: ${problem}${issues.length > 0 ? `: ${issues.join('; ')}` : ''}`);
  }
}
