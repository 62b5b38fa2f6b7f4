/**
 * Every ticket command goes through one handler: the decider says what happens, the runner reads,
 * decides, appends and retries. New ids (ticket, message, note) derive from the command id, so a
 * repeated command (same Idempotency-Key) creates nothing twice. A customer the ticket names must
 * exist, which the customer's stream tells.
 */
import { CommandHandler, ICommandHandler, Command } from '@nestjs/cqrs';
import { invalid } from '../../domain/errors';
import { ticketDecider, TicketCommand, ticketStream } from '../../domain/tickets/ticket.decider';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';
import { customerExists } from '../customers/existing-customers';

export class HandleTicketCommand extends Command<CommandResult> {
  constructor(
    readonly command: TicketCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(HandleTicketCommand)
export class HandleTicketCommandHandler implements ICommandHandler<HandleTicketCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, context }: HandleTicketCommand): Promise<CommandResult> {
    const customerId = command.type === 'OpenTicket' || command.type === 'LinkTicketToCustomer' ? command.data.customerId : undefined;
    if (customerId && !(await customerExists(this.runner, customerId))) throw invalid('TicketsNameExistingCustomers', 'no such customer');
    const { ticketId } = command.data;
    return this.runner.run(ticketDecider, { id: ticketId, stream: ticketStream(ticketId) }, command, context);
  }
}
