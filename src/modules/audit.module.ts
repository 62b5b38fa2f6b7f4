/** The audit trail's endpoints; they read the event store, which InfrastructureModule provides globally. */
import { Module } from '@nestjs/common';
import { AuditController } from '../adapters/http/audit/audit.controller';

@Module({ controllers: [AuditController] })
export class AuditModule {}
