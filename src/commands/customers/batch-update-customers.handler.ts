/**
 * Up to 500 customer updates in one request, each succeeding or failing on its own. Each item is
 * its own command, whose id derives from the request's (its Idempotency-Key) and the item, so a
 * repeated request finds every item that took effect already in its stream and appends nothing
 * twice; items run a bounded number at a time (the runner queues those of one stream).
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CustomerFields } from '../../domain/customers/customer.decider';
import { invalid } from '../../domain/errors';
import { ACTIVE_USERS, type ActiveUsers } from '../../ports/active-users.port';
import { CommandRunner } from '../command-runner';
import { CommandContext, CommandResult, derivedId } from '../command-context';
import { ownerIsNotStaff, staffOwners } from './customer-owners';
import { runCustomerCommand } from './handle-customer-command';
import { mapConcurrently } from '../map-concurrently';

export const MAX_BATCH_ITEMS = 500;
/** Items in flight at once: enough to overlap round trips, few enough to leave the pool to others. */
const ITEMS_IN_FLIGHT = 16;

export interface CustomerBatchItem {
  /** The item's place in the request, which names it in the answer and in its command id. */
  index: number;
  customerId: string;
  changes: Partial<CustomerFields>;
  addTags?: string[];
  removeTags?: string[];
  expectedRevision?: number;
}

export type CustomerBatchOutcome = { index: number; id: string } & ({ result: CommandResult } | { error: unknown });

export class BatchUpdateCustomers extends Command<CustomerBatchOutcome[]> {
  constructor(
    readonly items: readonly CustomerBatchItem[],
    readonly context: CommandContext & { actorId: string },
  ) {
    super();
  }
}

@CommandHandler(BatchUpdateCustomers)
export class BatchUpdateCustomersHandler implements ICommandHandler<BatchUpdateCustomers> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(ACTIVE_USERS) private readonly users: ActiveUsers,
  ) {}

  async execute({ items, context }: BatchUpdateCustomers): Promise<CustomerBatchOutcome[]> {
    const at = new Date().toISOString();
    const staff = await staffOwners(
      this.users,
      items.map((item) => item.changes.ownerId),
    );
    const firstIndexOf = new Map<string, number>();
    for (const item of items) if (!firstIndexOf.has(item.customerId)) firstIndexOf.set(item.customerId, item.index);

    return mapConcurrently(items, ITEMS_IN_FLIGHT, async (item): Promise<CustomerBatchOutcome> => {
      const { index, customerId, changes, addTags, removeTags, expectedRevision } = item;
      try {
        if (firstIndexOf.get(customerId) !== index)
          throw invalid('BatchNamesEachCustomerOnce', `customer ${customerId} is named by item ${firstIndexOf.get(customerId)} already`);
        if (changes.ownerId && !staff.has(changes.ownerId)) throw ownerIsNotStaff(changes.ownerId);
        const itemContext = { ...context, commandId: derivedId(context.commandId, `batch-item#${index}:${customerId}`), causationId: context.commandId };
        const command = { type: 'UpdateCustomer', data: { customerId, changes, addTags, removeTags, expectedRevision, by: context.actorId, at } } as const;
        return { index, id: customerId, result: await runCustomerCommand(this.runner, command, itemContext) };
      } catch (error) {
        return { index, id: customerId, error };
      }
    });
  }
}
