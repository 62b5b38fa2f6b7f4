/**
 * A projection is a named set of event handlers that write a read model through a Kysely
 * transaction. The projector gives each handler the batch's transaction; handlers announce
 * what changed with `notify`, and the notices are published only after COMMIT.
 */
import type { Kysely, Migration, Transaction } from 'kysely';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { ChangeNotice } from '../../ports/change-bus.port';
import type { DB } from './database';

export interface ProjectionContext {
  trx: Transaction<DB>;
  /** Announce a change, published after COMMIT; `position` defaults to the event being handled. */
  notify(change: Omit<ChangeNotice, 'view' | 'position'> & { position?: number }): void;
}

export type ProjectionHandler = (event: RecordedEvent, context: ProjectionContext) => Promise<void>;

export interface Projection {
  /** The view's name: its checkpoint, its JetStream consumer, its `changes.<view>.*` subjects. */
  name: string;
  /** Tables emptied by a rebuild. */
  tables: readonly (keyof DB & string)[];
  migrations: Record<string, Migration>;
  /** One handler per event type; events of other types only advance the checkpoint. */
  handlers: Partial<Record<string, ProjectionHandler>>;
  /**
   * Instead of `handlers`: the whole batch at once (in `$all` order), for set-based SQL where one
   * statement per event would cost too many round trips.
   */
  handleBatch?: (events: readonly RecordedEvent[], context: ProjectionContext) => Promise<void>;
}

export type ReadModelDb = Kysely<DB>;

/** Injection token of the read-model database. */
export const READ_MODEL_DB = Symbol('ReadModelDb');
