/** Offline-first mobile sync: the WatermelonDB protocol over projects and tasks. */
import { Module } from '@nestjs/common';
import { PushSyncChangesHandler } from '../commands/projects/push-sync-changes.handler';
import { PullSyncChangesHandler } from '../projections/projects/projects.query-handlers';
import { SyncController } from '../adapters/http/projects/sync.controller';

@Module({
  controllers: [SyncController],
  providers: [PushSyncChangesHandler, PullSyncChangesHandler],
})
export class ProjectsModule {}
