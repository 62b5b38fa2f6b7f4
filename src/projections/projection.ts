/**
 * A projection is a named set of event handlers that write a read model through a Kysely
 * transaction. The projector gives each handler the batch's transaction; handlers announce
 * what changed with `notify`, and the notices are published only after COMMIT.
 */
import type { Kysely, Migration, Transaction } from 'kysely';
import type { RecordedEvent } from '../ports/event-store.port';
import type { ChangeNotice } from '../ports/change-bus.port';
import type { DB } from './database';

export interface ProjectionContext {
  trx: Transaction<DB>;
  notify(change: Omit<ChangeNotice, 'view' | 'position'> & { position?: number }): void;
}

export type ProjectionHandler = (event: RecordedEvent, context: ProjectionContext) => Promise<void>;

export interface Projection {
  /** The view's name: its checkpoint, its JetStream consumer, its `changes.<view>.*` subjects. */
  name: string;
  /** Tables emptied by a rebuild. */
  tables: readonly (keyof DB & string)[];
  migrations: Record<string, Migration>;
  handlers: Partial<Record<string, ProjectionHandler>>;
}

export const PROJECTIONS = Symbol('Projections');

export type ReadModelDb = Kysely<DB>;
