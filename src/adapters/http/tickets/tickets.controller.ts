/**
 * /api/v1/tickets: the support desk's commands and queries. Who may do what is the decider's business,
 * told what the caller may do by the permissions their role holds at this request.
 */
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { invalid } from '../../../domain/errors';
import type { Actor, TicketCommand } from '../../../domain/tickets/ticket.decider';
import { HandleTicketCommand } from '../../../commands/tickets/handle-ticket-command';
import { CommandContext, derivedId } from '../../../commands/command-context';
import { READ_MODEL_DB, type ReadModelDb } from '../../../projections/runtime/projection';
import type { TicketViewer } from '../../../projections/tickets/tickets.queries';
import { activeUsersHolding } from '../../../projections/identity/roles.queries';
import { GetTicket, GetTicketHistory, ListTickets } from '../../../projections/tickets/tickets.query-handlers';
import { AuthenticatedUser, CurrentUser, RequireAnyPermission, RequirePermission } from '../../auth/authenticated-user';
import { CommandCtx } from '../command-context.decorator';
import { problem } from '../problem-codes';
import { ProblemException } from '../problem-details.filter';
import {
  AssigneeBody,
  CustomerLinkBody,
  MessageBody,
  OpenTicketBody,
  PriorityBody,
  ReadBody,
  StatusBody,
  TagsBody,
  TicketListParams,
  TicketParams,
} from './tickets.schemas';

const actorOf = ({ id, permissions }: AuthenticatedUser): Actor => ({
  id,
  readsAll: permissions.has('tickets:read-all'),
  updatesAll: permissions.has('tickets:update-all'),
  writesNotes: permissions.has('tickets:internal-notes'),
});
const viewerOf = (user: AuthenticatedUser): TicketViewer => ({
  id: user.id,
  readsAll: user.permissions.has('tickets:read-all'),
  seesNotes: user.permissions.has('tickets:internal-notes'),
});
const now = () => new Date().toISOString();

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
// Writing in tickets takes a role with tickets of its own; reading them, only reading (auditors read all).
@RequirePermission('tickets:read-own')
export class TicketsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  private run(command: TicketCommand, context: CommandContext) {
    return this.commands.execute(new HandleTicketCommand(command, context));
  }

  @Post()
  @RequirePermission('tickets:create')
  async open(@Body() body: OpenTicketBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    // Naming a customer reveals that it exists: only for those who may read customers.
    if (body.customerId && !user.permissions.has('customers:read')) throw new ProblemException(problem('forbidden', 'your role lacks customers:read'));
    const ticketId = derivedId(context.commandId, 'ticket');
    const messageId = derivedId(context.commandId, 'message');
    const { title, message, priority, customerId } = body;
    const result = await this.run(
      { type: 'OpenTicket', data: { ticketId, messageId, title, message, priority, customerId, actor: actorOf(user), at: now() } },
      context,
    );
    return { ...result, messageId };
  }

  @Get()
  @RequireAnyPermission('tickets:read-own', 'tickets:read-all')
  list(@Query() params: TicketListParams, @CurrentUser() user: AuthenticatedUser) {
    const { minPosition, ...query } = params;
    return this.queries.execute(new ListTickets(viewerOf(user), query, minPosition));
  }

  @Get(':id')
  @RequireAnyPermission('tickets:read-own', 'tickets:read-all')
  get(@Param('id', ParseUUIDPipe) id: string, @Query() params: TicketParams, @CurrentUser() user: AuthenticatedUser) {
    return this.queries.execute(new GetTicket(viewerOf(user), id, params.asOf, params.minPosition));
  }

  @Get(':id/history')
  @RequireAnyPermission('tickets:read-own', 'tickets:read-all')
  history(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.queries.execute(new GetTicketHistory(viewerOf(user), id));
  }

  @Post(':id/messages')
  async post(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: MessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    const messageId = derivedId(context.commandId, 'message');
    const result = await this.run(
      { type: 'PostTicketMessage', data: { ticketId, messageId, content: body.content, actor: actorOf(user), at: now() } },
      context,
    );
    return { ...result, messageId };
  }

  @Post(':id/status')
  @HttpCode(200)
  status(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: StatusBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.run({ type: 'ChangeTicketStatus', data: { ticketId, status: body.status, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@Param('id', ParseUUIDPipe) ticketId: string, @Body() body: ReadBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.run({ type: 'MarkTicketRead', data: { ticketId, upToMessageId: body.upToMessageId, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/assignee')
  @HttpCode(200)
  async assign(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: AssigneeBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    if (body.assigneeId && !(await activeUsersHolding(this.db, [body.assigneeId], 'tickets:update-all')).has(body.assigneeId)) {
      throw invalid('TicketsAreAssignedToStaff', 'the assignee must be an active staff member');
    }
    return this.run({ type: 'AssignTicket', data: { ticketId, assigneeId: body.assigneeId, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/customer')
  @HttpCode(200)
  @RequirePermission('tickets:update-all', 'customers:read')
  customer(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: CustomerLinkBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.run({ type: 'LinkTicketToCustomer', data: { ticketId, customerId: body.customerId, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/priority')
  @HttpCode(200)
  priority(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: PriorityBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.run({ type: 'SetTicketPriority', data: { ticketId, priority: body.priority, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/tags')
  @HttpCode(200)
  tags(@Param('id', ParseUUIDPipe) ticketId: string, @Body() body: TagsBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.run({ type: 'TagTicket', data: { ticketId, add: body.add, remove: body.remove, actor: actorOf(user), at: now() } }, context);
  }

  @Post(':id/notes')
  async note(
    @Param('id', ParseUUIDPipe) ticketId: string,
    @Body() body: MessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    const noteId = derivedId(context.commandId, 'note');
    const result = await this.run({ type: 'AddTicketNote', data: { ticketId, noteId, content: body.content, actor: actorOf(user), at: now() } }, context);
    return { ...result, noteId };
  }
}
