/**
 * `$all` positions of KurrentDB as the port's numbers: Number(commit) of each event (see the
 * adapter's header for why commit = prepare for every event it hands out), and back.
 */
import { START, type AllStreamResolvedEvent, type Position, type ReadPosition, type RecordedEvent as ClientRecordedEvent } from '@kurrent/kurrentdb-client';

/** What the server sends (u64 max) for a position it does not know, e.g. stream reads before 22.6. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

export function toReadPosition(position: number): ReadPosition {
  // commit = prepare holds for every event this adapter hands out; see the header.
  return position > 0 ? { commit: BigInt(position), prepare: BigInt(position) } : START;
}

export function knownCommit(position: Position | undefined): bigint | undefined {
  return position === undefined || position.commit === UNKNOWN_POSITION ? undefined : position.commit;
}

export function allPosition(resolved: AllStreamResolvedEvent): number {
  const commit = resolved.commitPosition ?? knownCommit(resolved.event?.position);
  if (commit === undefined) throw new Error(`$all event ${resolved.event?.id ?? '?'} came without a position`);
  return toSafeNumber(commit, '$all position');
}

export function streamEventPosition(event: ClientRecordedEvent): number {
  const commit = knownCommit(event.position);
  if (commit === undefined) {
    // The client documents positions on stream reads for servers after 22.6.
    throw new Error(`event ${event.id} of ${event.streamId} came without its $all position`);
  }
  return toSafeNumber(commit, `position in ${event.streamId}`);
}

export function isSystemStream(stream: string): boolean {
  return stream.startsWith('$');
}

export function toSafeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} ${value} is out of range`);
  return Number(value);
}
