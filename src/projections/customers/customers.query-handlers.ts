/** The customers queries on the CQRS query bus; each waits for `minPosition` when given (read-your-writes). */
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../domain/errors';
import { ProjectionProgress } from '../runtime/projection-progress';
import { READ_MODEL_DB, type ReadModelDb } from '../runtime/projection';
import { customerDetail, CustomerListQuery, listCustomers } from './customers.queries';
import { customerGroupDetail, listCustomerGroups } from './customer-groups.queries';
import { customerStatistics, StatisticsQuery } from './customer-statistics.queries';
import { customersProjection } from './customers.projection';

type Result<F extends (...args: never[]) => unknown> = NonNullable<Awaited<ReturnType<F>>>;

export class ListCustomers extends Query<Result<typeof listCustomers>> {
  constructor(
    readonly query: CustomerListQuery,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetCustomer extends Query<Result<typeof customerDetail>> {
  constructor(
    readonly customerId: string,
    readonly viewer: { readsAllTickets: boolean },
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetCustomerStatistics extends Query<Result<typeof customerStatistics>> {
  constructor(
    readonly query: StatisticsQuery,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class ListCustomerGroups extends Query<Result<typeof listCustomerGroups>> {
  constructor(
    readonly page: { cursor?: string; limit: number },
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetCustomerGroup extends Query<Result<typeof customerGroupDetail>> {
  constructor(
    readonly groupId: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

abstract class CustomersQueryHandler {
  constructor(
    @Inject(READ_MODEL_DB) protected readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
  ) {}

  protected caughtUp(minPosition: number | undefined): Promise<void> {
    return this.progress.waitFor(customersProjection.name, minPosition);
  }
}

@QueryHandler(ListCustomers)
export class ListCustomersHandler extends CustomersQueryHandler implements IQueryHandler<ListCustomers> {
  async execute({ query, minPosition }: ListCustomers) {
    await this.caughtUp(minPosition);
    return listCustomers(this.db, query);
  }
}

@QueryHandler(GetCustomer)
export class GetCustomerHandler extends CustomersQueryHandler implements IQueryHandler<GetCustomer> {
  async execute({ customerId, viewer, minPosition }: GetCustomer) {
    await this.caughtUp(minPosition);
    const customer = await customerDetail(this.db, customerId, viewer);
    if (!customer) throw notFound('CustomersExistUntilDeleted', 'no such customer');
    return customer;
  }
}

@QueryHandler(GetCustomerStatistics)
export class GetCustomerStatisticsHandler extends CustomersQueryHandler implements IQueryHandler<GetCustomerStatistics> {
  async execute({ query, minPosition }: GetCustomerStatistics) {
    await this.caughtUp(minPosition);
    return customerStatistics(this.db, query);
  }
}

@QueryHandler(ListCustomerGroups)
export class ListCustomerGroupsHandler extends CustomersQueryHandler implements IQueryHandler<ListCustomerGroups> {
  async execute({ page, minPosition }: ListCustomerGroups) {
    await this.caughtUp(minPosition);
    return listCustomerGroups(this.db, page);
  }
}

@QueryHandler(GetCustomerGroup)
export class GetCustomerGroupHandler extends CustomersQueryHandler implements IQueryHandler<GetCustomerGroup> {
  async execute({ groupId, minPosition }: GetCustomerGroup) {
    await this.caughtUp(minPosition);
    const group = await customerGroupDetail(this.db, groupId);
    if (!group) throw notFound('CustomerGroupsExistUntilDeleted', 'no such customer group');
    return group;
  }
}
