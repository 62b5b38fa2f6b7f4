/**
 * The server timestamp of a change (milliseconds): when the event was recorded, except that it is
 * always past the previous one, so timestamps only increase, even when two events share a
 * millisecond or the clock steps back. A pull answers the last timestamp it saw; any change it did
 * not see comes later and gets a greater one, so the next pull, from there, misses nothing.
 * Derived from the log alone, so a rebuild of the view gives every record the same timestamp again.
 */
export function nextServerTimestamp(previous: number, recordedAtMs: number): number {
  return Math.max(recordedAtMs, previous + 1);
}
