/**
 * Provides the opened infrastructure to Nest, starts the pipeline (relay, projectors) as the app
 * initialises, and on shutdown drains in-flight commands, then projector batches, then closes.
 */
import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Config } from '../config';
import { CONFIG } from '../config';
import { EVENT_STORE } from '../ports/event-store.port';
import { CHANGE_BUS } from '../ports/change-bus.port';
import { COMMAND_SETTINGS, type CommandSettings } from '../ports/command-settings.port';
import { READ_MODEL_PROGRESS } from '../ports/read-model-progress.port';
import { CommandRunner } from '../commands/command-runner';
import { ProjectionProgress } from '../projections/runtime/projection-progress';
import { CheckpointReadModelProgress } from '../projections/runtime/read-model-progress';
import { READ_MODEL_DB, type Projection } from '../projections/runtime/projection';
import type { EventDefinitions } from '../events/event-reader';
import { Infrastructure, openInfrastructure, PipelineOptions } from './infrastructure';
import { INFRASTRUCTURE } from './infrastructure.tokens';
import { LOGGER, type Logger } from './logger';

export const PIPELINE_OPTIONS = Symbol('PipelineOptions');

@Global()
@Module({})
export class InfrastructureModule implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure,
    @Inject(PIPELINE_OPTIONS) private readonly pipeline: PipelineOptions,
    private readonly commands: CommandRunner,
  ) {}

  static forRoot(config: Config, log: Logger, projections: readonly Projection[], pipeline: PipelineOptions = {}, events?: EventDefinitions): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: COMMAND_SETTINGS, useValue: config satisfies CommandSettings },
        { provide: LOGGER, useValue: log },
        { provide: PIPELINE_OPTIONS, useValue: pipeline },
        { provide: INFRASTRUCTURE, useFactory: () => openInfrastructure(config, projections, log, events) },
        { provide: EVENT_STORE, useFactory: (i: Infrastructure) => i.events, inject: [INFRASTRUCTURE] },
        { provide: CHANGE_BUS, useFactory: (i: Infrastructure) => i.changes, inject: [INFRASTRUCTURE] },
        { provide: READ_MODEL_DB, useFactory: (i: Infrastructure) => i.database.db, inject: [INFRASTRUCTURE] },
        { provide: ProjectionProgress, useFactory: (i: Infrastructure) => i.progress, inject: [INFRASTRUCTURE] },
        { provide: READ_MODEL_PROGRESS, useFactory: (progress: ProjectionProgress) => new CheckpointReadModelProgress(progress), inject: [ProjectionProgress] },
        CommandRunner,
      ],
      exports: [
        CONFIG,
        COMMAND_SETTINGS,
        LOGGER,
        INFRASTRUCTURE,
        EVENT_STORE,
        CHANGE_BUS,
        READ_MODEL_DB,
        ProjectionProgress,
        READ_MODEL_PROGRESS,
        CommandRunner,
      ],
    };
  }

  /** Before any module's bootstrap hook, which may already run commands and wait for projections. */
  async onModuleInit(): Promise<void> {
    await this.infrastructure.startPipeline(this.pipeline);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Half the grace: closing the pipeline, the stores and the log need the rest before the process's hard exit at the full grace.
    const drainMs = this.infrastructure.config.SHUTDOWN_GRACE_MS / 2;
    await Promise.race([this.commands.drain(), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.infrastructure.close();
  }
}
