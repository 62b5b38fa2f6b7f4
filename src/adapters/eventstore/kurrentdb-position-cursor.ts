/** The cursor every `$all` read of the KurrentDB adapter goes through. */
import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../../ports/event-store.port';
import { allPosition, isSystemStream } from './kurrentdb-positions';
import { toRecorded } from './kurrentdb-records';

/**
 * Keeps `$all` positions strictly increasing past a start position. Events at or before the start
 * are skipped (a read from a position returns the event at it); after the first admitted event a
 * position that does not increase can only be a legacy transaction sharing a commit position.
 */
export class PositionCursor {
  private admitted = false;

  constructor(public position: number) {}

  /** A new read from `position` returns the event at `position` again. */
  restart(): void {
    this.admitted = false;
  }

  /** The event, if it is past the cursor and not in a `$…` stream; advances the cursor either way. */
  admit(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const position = allPosition(resolved);
    if (position <= this.position) {
      if (!this.admitted) return undefined;
      throw new Error(
        `$all position ${position} does not increase past ${this.position}: events sharing a commit position ` +
          '(explicit transactions of the legacy TCP API) are not supported',
      );
    }
    this.position = position;
    this.admitted = true;
    const event = resolved.event;
    return event && !isSystemStream(event.streamId) ? toRecorded(event, position) : undefined;
  }
}
