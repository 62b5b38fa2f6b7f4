/**
 * Who may see a ticket, the one rule every reader of tickets applies (the decider, the list, the
 * detail, the history and as-of, the realtime `ticket:<id>` topic): its owner, and whoever reads
 * every ticket. To anyone else it does not exist, so that ticket ids cannot be probed.
 */
export interface TicketReader {
  id: string;
  /** Staff and auditors: every ticket, not only their own. */
  readsAll: boolean;
}

export function seesTicket(reader: TicketReader, ticket: { ownerId: string }): boolean {
  return reader.readsAll || ticket.ownerId === reader.id;
}

/** The same rule as a filter on the owner: the owner of every ticket the reader sees, or null when that is every owner. */
export function ownerFilterOf(reader: TicketReader): string | null {
  return reader.readsAll ? null : reader.id;
}
