/** A customer's owner is on the staff: an active user whose role may read customers, now. */
import { invalid } from '../../domain/errors';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { activeUsersHolding } from '../../projections/identity/roles.queries';

export const ownerIsNotStaff = (ownerId: string) => invalid('CustomerOwnersAreActiveStaff', `the owner ${ownerId} is not an active user who may read customers`);

/** Of the owners named, those who may own customers: one query for any number. */
export function staffOwners(db: ReadModelDb, ownerIds: readonly (string | null | undefined)[]): Promise<Set<string>> {
  return activeUsersHolding(db, ownerIds.filter((id): id is string => typeof id === 'string'), 'customers:read');
}
