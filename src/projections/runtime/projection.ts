/**
 * A projection is a named set of event handlers that write a read model through a Kysely
 * transaction. The projector gives each handler the batch's transaction; handlers announce
 * what changed with `notify`, and the notices are published only after COMMIT.
 *
 * Projections are written with `defineProjection<E>` (one handler per event type, each typed with
 * its own event) or `defineBatchProjection<E>` (the whole batch, for set-based SQL). Either way the
 * projection says which event types it reads; the projector hands it only those, already parsed by
 * the event catalog (so an event of type T has T's data), and passes every other event by (only the
 * checkpoint moves).
 */
import type { Kysely, Migration, Transaction } from 'kysely';
import type { DomainEvent } from '../../domain/decider';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { ChangeNotice } from '../../ports/change-bus.port';
import type { DB } from './database';

export interface ProjectionContext {
  trx: Transaction<DB>;
  /** Announce a change, published after COMMIT; `position` defaults to the event being handled. */
  notify(change: Omit<ChangeNotice, 'view' | 'position'> & { position?: number }): void;
}

/** One handler per event type of `E`, each given its own type's event; a key that is not a type of `E` does not compile. */
export type ProjectionHandlers<E extends DomainEvent> = HandlerTable<E, [context: ProjectionContext]>;

interface ProjectionBasics {
  /** The view's name: its checkpoint, its JetStream consumer, its `changes.<view>.*` subjects. */
  name: string;
  /** Tables emptied by a rebuild. */
  tables: readonly (keyof DB & string)[];
  migrations: Record<string, Migration>;
}

/** What the projector runs: the events of the types in `handles`, one at a time or as a batch. */
export interface Projection extends ProjectionBasics {
  /** The event types the projection reads; events of other types only advance its checkpoint. */
  readonly handles: ReadonlySet<string>;
  /** `events` are all of types in `handles`, in `$all` order; `contextAt(p)` notifies at position p. */
  apply(events: readonly RecordedEvent[], contextAt: (position: number) => ProjectionContext): Promise<void>;
}

/** A table of functions, one per event type of `E`, each taking its own type's event first. */
export type HandlerTable<E extends DomainEvent, Rest extends unknown[]> = {
  readonly [T in E['type']]?: (event: RecordedEvent<Extract<E, { type: T }>>, ...rest: Rest) => Promise<void>;
};

/**
 * Calls the function of the event's type, if the table has one. TypeScript cannot relate a key of
 * the table to the member of the union it was looked up by, so this is the one place that says so.
 */
export async function dispatch<E extends DomainEvent, Rest extends unknown[]>(
  table: HandlerTable<E, Rest>,
  event: RecordedEvent<E>,
  ...rest: Rest
): Promise<void> {
  const handler = table[event.type as E['type']] as ((event: RecordedEvent<E>, ...rest: Rest) => Promise<void>) | undefined;
  await handler?.(event, ...rest);
}

/**
 * A projection that reads the event types `types` of `E`, handing `apply` only those. The catalog
 * parsed each event by its type, so an event of a type of E has E's data for that type.
 */
function projectionOf<E extends DomainEvent>(
  basics: ProjectionBasics,
  types: ReadonlySet<string>,
  apply: (events: readonly RecordedEvent<E>[], contextAt: (position: number) => ProjectionContext) => Promise<void>,
): Projection {
  const isOfE = (event: RecordedEvent): event is RecordedEvent<E> => types.has(event.type);
  return { ...basics, handles: types, apply: (events, contextAt) => apply(events.filter(isOfE), contextAt) };
}

export function defineProjection<E extends DomainEvent>({ handlers, ...basics }: ProjectionBasics & { handlers: ProjectionHandlers<E> }): Projection {
  return projectionOf<E>(basics, new Set(Object.keys(handlers)), async (events, contextAt) => {
    for (const event of events) await dispatch(handlers, event, contextAt(event.position));
  });
}

export function defineBatchProjection<E extends DomainEvent>({
  handles,
  handleBatch,
  ...basics
}: ProjectionBasics & {
  /** Every type the batch handler reads, each once. */
  handles: { readonly [T in E['type']]?: true };
  handleBatch(events: readonly RecordedEvent<E>[], context: ProjectionContext): Promise<void>;
}): Projection {
  return projectionOf<E>(basics, new Set(Object.keys(handles)), async (events, contextAt) => {
    if (events.length > 0) await handleBatch(events, contextAt(events[events.length - 1]!.position));
  });
}

export type ReadModelDb = Kysely<DB>;

/** Injection token of the read-model database. */
export const READ_MODEL_DB = Symbol('ReadModelDb');
