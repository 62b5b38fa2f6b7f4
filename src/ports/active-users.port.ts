/**
 * Who among some users is active and whose role may do something now, as the users and roles
 * views say: for commands that name another user, such as a customer's owner, who must be on the
 * staff. One call answers for any number of users.
 */
import type { Permission } from '../domain/identity/permissions';

export interface ActiveUsers {
  /** Those of `userIds` who are active and hold `permission`. */
  holding(userIds: readonly string[], permission: Permission): Promise<Set<string>>;
}

export const ACTIVE_USERS = Symbol('ActiveUsers');
