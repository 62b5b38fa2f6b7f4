/** Server timestamps of the `projects` view only increase, whatever the clock does. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextServerTimestamp } from '../../src/projections/projects/server-timestamps';

describe('server timestamps', () => {
  it('are the recording time when the clock moves forward', () => expect(nextServerTimestamp(1_000, 1_500)).toBe(1_500));
  it('move past the previous one when two changes share a millisecond', () => expect(nextServerTimestamp(1_500, 1_500)).toBe(1_501));
  it('move past the previous one when the clock steps back', () => expect(nextServerTimestamp(1_500, 900)).toBe(1_501));
  it('strictly increase over any sequence of recording times (property)', () =>
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000_000_000 }), { maxLength: 200 }), (recorded) => {
        let previous = 0;
        for (const at of recorded) {
          const next = nextServerTimestamp(previous, at);
          expect(next).toBeGreaterThan(previous);
          expect(next).toBeGreaterThanOrEqual(at);
          previous = next;
        }
      }),
    ));
});
