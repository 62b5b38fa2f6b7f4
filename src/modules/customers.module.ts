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
import { ACTIVE_USERS } from '../ports/active-users.port';
import { KNOWN_CUSTOMERS } from '../ports/known-customers.port';
import { READ_MODEL_DB, type ReadModelDb } from '../projections/runtime/projection';
import { ReadModelActiveUsers } from '../projections/identity/read-model-active-users';
import { ReadModelKnownCustomers } from '../projections/customers/read-model-known-customers';
import { CustomersController } from '../adapters/http/customers/customers.controller';
import { CustomerGroupsController } from '../adapters/http/customers/customer-groups.controller';

@Module({
  controllers: [CustomerGroupsController, CustomersController],
  providers: [
    { provide: ACTIVE_USERS, useFactory: (db: ReadModelDb) => new ReadModelActiveUsers(db), inject: [READ_MODEL_DB] },
    { provide: KNOWN_CUSTOMERS, useFactory: (db: ReadModelDb) => new ReadModelKnownCustomers(db), inject: [READ_MODEL_DB] },
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
