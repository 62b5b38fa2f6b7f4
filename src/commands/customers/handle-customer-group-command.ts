/**
 * Customer group commands. Adding members, the handler finds out which of the named customers do
 * not exist and tells the decider, which refuses them (the group's stream cannot know).
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CustomerGroupCommand, customerGroupDecider, customerGroupStream } from '../../domain/customers/customer-group.decider';
import { KNOWN_CUSTOMERS, type KnownCustomers } from '../../ports/known-customers.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';
import { unknownCustomers } from './existing-customers';

type AddCustomersToGroup = Extract<CustomerGroupCommand, { type: 'AddCustomersToGroup' }>;

/** A group command as a client asks for it: which customers exist is not the client's to say. */
export type CustomerGroupRequest =
  Exclude<CustomerGroupCommand, AddCustomersToGroup> | { type: 'AddCustomersToGroup'; data: Omit<AddCustomersToGroup['data'], 'unknownCustomerIds'> };

export class HandleCustomerGroupCommand extends Command<CommandResult> {
  constructor(
    readonly command: CustomerGroupRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(HandleCustomerGroupCommand)
export class HandleCustomerGroupCommandHandler implements ICommandHandler<HandleCustomerGroupCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(KNOWN_CUSTOMERS) private readonly known: KnownCustomers,
  ) {}

  async execute({ command, context }: HandleCustomerGroupCommand): Promise<CommandResult> {
    const decided: CustomerGroupCommand =
      command.type === 'AddCustomersToGroup'
        ? { ...command, data: { ...command.data, unknownCustomerIds: await unknownCustomers(this.known, this.runner, command.data.customerIds) } }
        : command;
    const { groupId } = command.data;
    return this.runner.run(customerGroupDecider, { id: groupId, stream: customerGroupStream(groupId) }, decided, context);
  }
}
