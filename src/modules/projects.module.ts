/** Offline-first mobile sync: the WatermelonDB protocol over projects and tasks. */
import { Module } from '@nestjs/common';
import { PushSyncChangesHandler } from '../commands/projects/push-sync-changes.handler';
import { PullSyncChangesHandler } from '../projections/projects/projects.query-handlers';
import { SYNCED_VERSIONS } from '../ports/synced-versions.port';
import { READ_MODEL_DB, type ReadModelDb } from '../projections/runtime/projection';
import { ReadModelSyncedVersions } from '../projections/projects/read-model-synced-versions';
import { SyncController } from '../adapters/http/projects/sync.controller';

@Module({
  controllers: [SyncController],
  providers: [
    { provide: SYNCED_VERSIONS, useFactory: (db: ReadModelDb) => new ReadModelSyncedVersions(db), inject: [READ_MODEL_DB] },
    PushSyncChangesHandler,
    PullSyncChangesHandler,
  ],
})
export class ProjectsModule {}
