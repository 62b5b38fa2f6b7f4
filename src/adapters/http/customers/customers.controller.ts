/**
 * /api/v1/customers: customers, their statistics and batch updates. Each route needs its own
 * permission; reads answer with the customer's revision as `ETag`, and PUT/DELETE honour
 * `If-Match` (412 when the customer has moved on, with nothing written).
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CustomerCommand } from '../../../domain/customers/customer.decider';
import { HandleCustomerCommand } from '../../../commands/customers/handle-customer-command';
import { BatchUpdateCustomers, CustomerBatchItem } from '../../../commands/customers/batch-update-customers.handler';
import { CommandContext, CommandResult, derivedId } from '../../../commands/command-context';
import { GetCustomer, GetCustomerStatistics, ListCustomers } from '../../../projections/customers/customers.query-handlers';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { LOGGER, type Logger } from '../../logger';
import { CommandCtx } from '../command-context.decorator';
import { batchAnswer, BatchItemResult, invalidItem, itemResult } from './batch-results';
import { BatchBody, batchItemSchema, CustomerBody, CustomerListParams, ReadParams, StatisticsParams } from './customers.schemas';
import { IfMatch, setEtag } from './entity-tags';

const now = () => new Date().toISOString();

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  private async run(command: CustomerCommand, context: CommandContext, reply: FastifyReply): Promise<CommandResult> {
    const result = await this.commands.execute(new HandleCustomerCommand(command, context));
    setEtag(reply, result.revision);
    return result;
  }

  @Post()
  @RequirePermission('customers:create')
  create(
    @Body() body: CustomerBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const customerId = derivedId(context.commandId, 'customer');
    return this.run({ type: 'CreateCustomer', data: { customerId, fields: body, by: user.id, at: now() } }, context, reply);
  }

  @Get()
  @RequirePermission('customers:read')
  list(@Query() params: CustomerListParams) {
    const { minPosition, ...query } = params;
    return this.queries.execute(new ListCustomers(query, minPosition));
  }

  @Get('statistics')
  @RequirePermission('customers:statistics')
  statistics(@Query() params: StatisticsParams) {
    const { minPosition, weeks, groups } = params;
    return this.queries.execute(new GetCustomerStatistics({ weeks, groups, now: new Date() }, minPosition));
  }

  @Patch('batch')
  @HttpCode(200)
  @RequirePermission('customers:batch-update')
  async batch(@Body() body: BatchBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    const results: BatchItemResult[] = new Array<BatchItemResult>(body.items.length);
    const valid: CustomerBatchItem[] = [];
    body.items.forEach((raw, index) => {
      const parsed = batchItemSchema.safeParse(raw);
      if (!parsed.success) {
        const id = (raw as { id?: unknown } | null)?.id;
        results[index] = invalidItem(index, typeof id === 'string' ? id : null, parsed.error);
        return;
      }
      const { id, expectedRevision, addTags, removeTags, ...changes } = parsed.data;
      valid.push({ index, customerId: id, changes, addTags, removeTags, expectedRevision });
    });
    const outcomes = await this.commands.execute(new BatchUpdateCustomers(valid, { ...context, actorId: user.id }));
    for (const outcome of outcomes) results[outcome.index] = itemResult(outcome, this.log);
    return batchAnswer(results);
  }

  @Get(':id')
  @RequirePermission('customers:read')
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() params: ReadParams,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const customer = await this.queries.execute(new GetCustomer(id, { readsAllTickets: user.permissions.has('tickets:read-all') }, params.minPosition));
    setEtag(reply, customer.revision);
    return customer;
  }

  @Put(':id')
  @RequirePermission('customers:update')
  replace(
    @Param('id', ParseUUIDPipe) customerId: string,
    @Body() body: CustomerBody,
    @IfMatch() expectedRevision: number | undefined,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'UpdateCustomer', data: { customerId, changes: body, expectedRevision, by: user.id, at: now() } }, context, reply);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission('customers:delete')
  remove(
    @Param('id', ParseUUIDPipe) customerId: string,
    @IfMatch() expectedRevision: number | undefined,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'DeleteCustomer', data: { customerId, expectedRevision, by: user.id, at: now() } }, context, reply);
  }
}
