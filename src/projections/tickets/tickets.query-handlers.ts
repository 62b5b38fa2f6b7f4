/** The tickets queries on the CQRS query bus; each waits for `minPosition` when given (read-your-writes). */
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../domain/errors';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { ProjectionProgress } from '../runtime/projection-progress';
import { READ_MODEL_DB, type ReadModelDb } from '../runtime/projection';
import { listTickets, ticketDetail, TicketListQuery, TicketViewer } from './tickets.queries';
import { ticketAsOf, ticketStatusHistory } from './ticket-history.queries';
import { ticketsProjection } from './tickets.projection';

const noSuchTicket = () => notFound('TicketsAreVisibleToOwnersAndStaff', 'no such ticket');

export class ListTickets extends Query<Awaited<ReturnType<typeof listTickets>>> {
  constructor(
    readonly viewer: TicketViewer,
    readonly query: TicketListQuery,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetTicket extends Query<NonNullable<Awaited<ReturnType<typeof ticketDetail>>> | NonNullable<Awaited<ReturnType<typeof ticketAsOf>>>> {
  constructor(
    readonly viewer: TicketViewer,
    readonly ticketId: string,
    readonly asOf?: Date,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetTicketHistory extends Query<{ items: NonNullable<Awaited<ReturnType<typeof ticketStatusHistory>>> }> {
  constructor(
    readonly viewer: TicketViewer,
    readonly ticketId: string,
  ) {
    super();
  }
}

@QueryHandler(ListTickets)
export class ListTicketsHandler implements IQueryHandler<ListTickets> {
  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
  ) {}

  async execute({ viewer, query, minPosition }: ListTickets) {
    await this.progress.waitFor(ticketsProjection.name, minPosition);
    return listTickets(this.db, viewer, query);
  }
}

@QueryHandler(GetTicket)
export class GetTicketHandler implements IQueryHandler<GetTicket> {
  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly progress: ProjectionProgress,
  ) {}

  async execute({ viewer, ticketId, asOf, minPosition }: GetTicket) {
    // The past comes from the log; the present from the read model.
    const ticket = asOf ? await ticketAsOf(this.store, this.db, ticketId, asOf, viewer) : await this.present(viewer, ticketId, minPosition);
    if (!ticket) throw noSuchTicket();
    return ticket;
  }

  private async present(viewer: TicketViewer, ticketId: string, minPosition?: number) {
    await this.progress.waitFor(ticketsProjection.name, minPosition);
    return ticketDetail(this.db, ticketId, viewer);
  }
}

@QueryHandler(GetTicketHistory)
export class GetTicketHistoryHandler implements IQueryHandler<GetTicketHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ viewer, ticketId }: GetTicketHistory) {
    const items = await ticketStatusHistory(this.store, ticketId, viewer);
    if (!items) throw noSuchTicket();
    return { items };
  }
}
