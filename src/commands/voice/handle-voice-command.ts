/** The voice commands on the command bus (the HTTP API's moderation endpoints use it). */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../ports/event-store.port';
import { READ_MODEL_DB, type ReadModelDb } from '../../projections/runtime/projection';
import { ProjectionProgress } from '../../projections/runtime/projection-progress';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';
import { ReadModelVoiceLocator } from './read-model-voice-locator';
import { VoiceCommands, type VoiceRequest } from './voice-commands';

export class HandleVoiceCommand extends Command<CommandResult> {
  constructor(readonly request: VoiceRequest, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(HandleVoiceCommand)
export class HandleVoiceCommandHandler implements ICommandHandler<HandleVoiceCommand> {
  private readonly commands: VoiceCommands;

  constructor(runner: CommandRunner, @Inject(EVENT_STORE) store: EventStore, @Inject(READ_MODEL_DB) db: ReadModelDb, progress: ProjectionProgress) {
    this.commands = new VoiceCommands(runner, new ReadModelVoiceLocator(store, db, progress));
  }

  execute({ request, context }: HandleVoiceCommand) {
    return this.commands.execute(request, context);
  }
}
