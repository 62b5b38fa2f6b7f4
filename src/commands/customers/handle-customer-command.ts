/**
 * Customer commands: the owner a command names must be on the staff (known from the users and
 * roles views), then the decider says what happens and the runner reads, decides and appends,
 * expecting the revision it decided on (which is what makes If-Match atomic).
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CustomerCommand, customerDecider, customerStream } from '../../domain/customers/customer.decider';
import { ACTIVE_USERS, type ActiveUsers } from '../../ports/active-users.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';
import { ownerIsNotStaff, staffOwners } from './customer-owners';

export class HandleCustomerCommand extends Command<CommandResult> {
  constructor(
    readonly command: CustomerCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The owner a customer command sets, if it sets one. */
export function ownerNamedBy(command: CustomerCommand): string | null {
  if (command.type === 'CreateCustomer') return command.data.fields.ownerId;
  if (command.type === 'UpdateCustomer') return command.data.changes.ownerId ?? null;
  return null;
}

export function runCustomerCommand(runner: CommandRunner, command: CustomerCommand, context: CommandContext): Promise<CommandResult> {
  const { customerId } = command.data;
  return runner.run(customerDecider, { id: customerId, stream: customerStream(customerId) }, command, context);
}

@CommandHandler(HandleCustomerCommand)
export class HandleCustomerCommandHandler implements ICommandHandler<HandleCustomerCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(ACTIVE_USERS) private readonly users: ActiveUsers,
  ) {}

  async execute({ command, context }: HandleCustomerCommand): Promise<CommandResult> {
    const ownerId = ownerNamedBy(command);
    if (ownerId && !(await staffOwners(this.users, [ownerId])).has(ownerId)) throw ownerIsNotStaff(ownerId);
    return runCustomerCommand(this.runner, command, context);
  }
}
