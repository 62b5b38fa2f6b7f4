/** A customer's owner is on the staff: an active user whose role may read customers, now. */
import { invalid } from '../../domain/errors';
import type { ActiveUsers } from '../../ports/active-users.port';

export const ownerIsNotStaff = (ownerId: string) =>
  invalid('CustomerOwnersAreActiveStaff', `the owner ${ownerId} is not an active user who may read customers`);

/** Of the owners named, those who may own customers: one query for any number. */
export function staffOwners(users: ActiveUsers, ownerIds: readonly (string | null | undefined)[]): Promise<Set<string>> {
  return users.holding(
    ownerIds.filter((id): id is string => typeof id === 'string'),
    'customers:read',
  );
}
