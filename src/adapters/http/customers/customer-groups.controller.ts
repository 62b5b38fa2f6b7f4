/**
 * /api/v1/customers/groups: customer groups and their members, each route with its permission.
 * Like customers, groups answer reads with `ETag` and honour `If-Match` on PUT and DELETE.
 * The members of a group are listed by GET /customers?groupId=.
 */
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CustomerGroupRequest, HandleCustomerGroupCommand } from '../../../commands/customers/handle-customer-group-command';
import { CommandContext, CommandResult, derivedId } from '../../../commands/command-context';
import { GetCustomerGroup, ListCustomerGroups } from '../../../projections/customers/customers.query-handlers';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { CommandCtx } from '../command-context.decorator';
import { GroupBody, GroupListParams, GroupMembersBody, ReadParams } from './customers.schemas';
import { IfMatch, setEtag } from './entity-tags';

const now = () => new Date().toISOString();

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers/groups')
export class CustomerGroupsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private async run(command: CustomerGroupRequest, context: CommandContext, reply: FastifyReply): Promise<CommandResult> {
    const result = await this.commands.execute(new HandleCustomerGroupCommand(command, context));
    setEtag(reply, result.revision);
    return result;
  }

  @Post()
  @RequirePermission('customer-groups:create')
  create(
    @Body() body: GroupBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const groupId = derivedId(context.commandId, 'customer-group');
    return this.run({ type: 'CreateCustomerGroup', data: { groupId, ...body, by: user.id, at: now() } }, context, reply);
  }

  @Get()
  @RequirePermission('customer-groups:read')
  list(@Query() params: GroupListParams) {
    const { minPosition, ...page } = params;
    return this.queries.execute(new ListCustomerGroups(page, minPosition));
  }

  @Get(':id')
  @RequirePermission('customer-groups:read')
  async get(@Param('id', ParseUUIDPipe) id: string, @Query() params: ReadParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const group = await this.queries.execute(new GetCustomerGroup(id, params.minPosition));
    setEtag(reply, group.revision);
    return group;
  }

  @Put(':id')
  @RequirePermission('customer-groups:update')
  replace(
    @Param('id', ParseUUIDPipe) groupId: string,
    @Body() body: GroupBody,
    @IfMatch() expectedRevision: number | undefined,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'UpdateCustomerGroup', data: { groupId, changes: body, expectedRevision, by: user.id, at: now() } }, context, reply);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission('customer-groups:delete')
  remove(
    @Param('id', ParseUUIDPipe) groupId: string,
    @IfMatch() expectedRevision: number | undefined,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'DeleteCustomerGroup', data: { groupId, expectedRevision, by: user.id, at: now() } }, context, reply);
  }

  @Post(':id/customers')
  @HttpCode(200)
  @RequirePermission('customer-groups:manage-members')
  addMembers(
    @Param('id', ParseUUIDPipe) groupId: string,
    @Body() body: GroupMembersBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'AddCustomersToGroup', data: { groupId, customerIds: body.customerIds, by: user.id, at: now() } }, context, reply);
  }

  @Delete(':id/customers')
  @HttpCode(200)
  @RequirePermission('customer-groups:manage-members')
  removeMembers(
    @Param('id', ParseUUIDPipe) groupId: string,
    @Body() body: GroupMembersBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'RemoveCustomersFromGroup', data: { groupId, customerIds: body.customerIds, by: user.id, at: now() } }, context, reply);
  }
}
