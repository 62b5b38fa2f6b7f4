/** Operators' endpoints for projections; the infrastructure comes from InfrastructureModule (global). */
import { Module } from '@nestjs/common';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectionRebuilds } from './projection-rebuilds';

@Module({ controllers: [ProjectionsAdminController], providers: [ProjectionRebuilds] })
export class ProjectionsAdminModule {}
