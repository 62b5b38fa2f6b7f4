/** The WatermelonDB sync pull on the CQRS query bus. */
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_MODEL_DB, type ReadModelDb } from '../runtime/projection';
import { PulledChanges, PullRequest, pullSyncChanges } from './sync-pull.queries';

export class PullSyncChanges extends Query<PulledChanges> {
  constructor(readonly request: PullRequest) {
    super();
  }
}

@QueryHandler(PullSyncChanges)
export class PullSyncChangesHandler implements IQueryHandler<PullSyncChanges> {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  execute({ request }: PullSyncChanges): Promise<PulledChanges> {
    return pullSyncChanges(this.db, request);
  }
}
