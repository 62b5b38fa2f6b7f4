/** Operators' endpoints for projections; the infrastructure comes from InfrastructureModule (global). */
import { Module } from '@nestjs/common';
import { ProjectionsAdminController } from '../adapters/http/operations/projections-admin.controller';
import { ProjectionRebuilds } from '../adapters/http/operations/projection-rebuilds';

@Module({ controllers: [ProjectionsAdminController], providers: [ProjectionRebuilds] })
export class OperationsModule {}
