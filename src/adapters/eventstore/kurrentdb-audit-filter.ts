/** The filters of the KurrentDB adapter's audit queries (queryAll): the server's by type, the rest here. */
import { eventTypeFilter, type RegexFilter } from '@kurrent/kurrentdb-client';
import type { QueryAllFilter, RecordedEvent } from '../../ports/event-store.port';

/** Server-side: exactly these event types (anchored, metacharacters escaped). */
export function exactTypes(types: readonly string[]): RegexFilter {
  const alternatives = types.map((type) => type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return eventTypeFilter({ regex: `^(?:${alternatives.join('|')})$` });
}

/** What the server cannot filter: the actor, the time window, and the exact type once more. */
export function clientSideMatcher({ types, actorId, from, to }: QueryAllFilter): (event: RecordedEvent) => boolean {
  const wanted = types ? new Set(types) : undefined;
  return (event) =>
    (wanted === undefined || wanted.has(event.type)) &&
    (actorId === undefined || event.metadata.actorId === actorId) &&
    (from === undefined || event.recordedAt.getTime() >= from.getTime()) &&
    (to === undefined || event.recordedAt.getTime() <= to.getTime());
}
