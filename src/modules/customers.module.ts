/** Customer management: customers, groups, statistics and batch updates. */
import { Module } from '@nestjs/common';
import { HandleCustomerCommandHandler } from '../commands/customers/handle-customer-command';
import { HandleCustomerGroupCommandHandler } from '../commands/customers/handle-customer-group-command';
import { BatchUpdateCustomersHandler } from '../commands/customers/batch-update-customers.handler';
import {
  GetCustomerGroupHandler,
  GetCustomerHandler,
  GetCustomerStatisticsHandler,
  ListCustomerGroupsHandler,
  ListCustomersHandler,
} from '../projections/customers/customers.query-handlers';
import { CustomersController } from '../adapters/http/customers/customers.controller';
import { CustomerGroupsController } from '../adapters/http/customers/customer-groups.controller';

@Module({
  controllers: [CustomerGroupsController, CustomersController],
  providers: [
    HandleCustomerCommandHandler,
    HandleCustomerGroupCommandHandler,
    BatchUpdateCustomersHandler,
    ListCustomersHandler,
    GetCustomerHandler,
    GetCustomerStatisticsHandler,
    ListCustomerGroupsHandler,
    GetCustomerGroupHandler,
  ],
})
export class CustomersModule {}
