/** The voice commands on the command bus (the HTTP API's moderation endpoints use it). */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { VOICE_PARTICIPANT_LOCATOR, type VoiceParticipantLocator } from '../../ports/voice-participants.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';
import { VoiceCommands, type VoiceRequest } from './voice-commands';

export class HandleVoiceCommand extends Command<CommandResult> {
  constructor(
    readonly request: VoiceRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(HandleVoiceCommand)
export class HandleVoiceCommandHandler implements ICommandHandler<HandleVoiceCommand> {
  private readonly commands: VoiceCommands;

  constructor(runner: CommandRunner, @Inject(VOICE_PARTICIPANT_LOCATOR) locator: VoiceParticipantLocator) {
    this.commands = new VoiceCommands(runner, locator);
  }

  execute({ request, context }: HandleVoiceCommand) {
    return this.commands.execute(request, context);
  }
}
