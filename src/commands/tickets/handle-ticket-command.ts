/**
 * Every ticket command goes through one handler: the decider says what happens, the runner reads,
 * decides, appends and retries. New ids (ticket, message, note) derive from the command id, so a
 * repeated command (same Idempotency-Key) creates nothing twice.
 */
import { CommandHandler, ICommandHandler, Command } from '@nestjs/cqrs';
import { ticketDecider, TicketCommand, ticketStream } from '../../domain/tickets/ticket.decider';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';

export class HandleTicketCommand extends Command<CommandResult> {
  constructor(readonly command: TicketCommand, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(HandleTicketCommand)
export class HandleTicketCommandHandler implements ICommandHandler<HandleTicketCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ command, context }: HandleTicketCommand): Promise<CommandResult> {
    const { ticketId } = command.data;
    return this.runner.run(ticketDecider, { id: ticketId, stream: ticketStream(ticketId) }, command, context);
  }
}
