/** The composition root: infrastructure, HTTP concerns and every feature module. */
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ZodValidationPipe } from 'nestjs-zod';
import type { Config } from './config';
import type { Logger } from './adapters/logger';
import { InfrastructureModule } from './adapters/infrastructure.module';
import type { PipelineOptions } from './adapters/infrastructure';
import { ProblemDetailsFilter } from './adapters/http/problem-details.filter';
import { HealthController } from './adapters/http/health.controller';
import { IdentityModule } from './modules/identity.module';
import { TicketsModule } from './modules/tickets.module';
import { ChatModule } from './modules/chat.module';
import { VoiceModule } from './modules/voice.module';
import { AuditModule } from './modules/audit.module';
import { CustomersModule } from './modules/customers.module';
import { OperationsModule } from './modules/operations.module';
import { ProjectsModule } from './modules/projects.module';
import { RealtimeModule } from './adapters/realtime/realtime.module';
import { TelemetryModule } from './adapters/telemetry/telemetry.module';
import type { Projection } from './projections/runtime/projection';
import { allProjections } from './projections/all-projections';
import type { EventDefinitions } from './events/event-reader';

export interface AppOptions {
  /** Extra feature modules and their projections (tests mount fixtures this way). */
  modules?: Type[];
  projections?: readonly Projection[];
  /** Every event type the log may hold, when fixtures add their own to the application's. */
  events?: EventDefinitions;
  pipeline?: PipelineOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: Config, log: Logger, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot(config, log, [...allProjections, ...(options.projections ?? [])], options.pipeline, options.events),
        IdentityModule,
        TicketsModule,
        ChatModule,
        VoiceModule,
        AuditModule,
        CustomersModule,
        OperationsModule,
        ProjectsModule,
        RealtimeModule,
        TelemetryModule,
        ...(options.modules ?? []),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
      ],
    };
  }
}
