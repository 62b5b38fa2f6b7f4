/** The support desk: ticket commands, read-model queries and history from the log. */
import { Module } from '@nestjs/common';
import { HandleTicketCommandHandler } from '../commands/tickets/handle-ticket-command';
import { GetTicketHandler, GetTicketHistoryHandler, ListTicketsHandler } from '../projections/tickets/tickets.query-handlers';
import { TicketsController } from '../adapters/http/tickets/tickets.controller';

@Module({
  controllers: [TicketsController],
  providers: [HandleTicketCommandHandler, ListTicketsHandler, GetTicketHandler, GetTicketHistoryHandler],
})
export class TicketsModule {}
