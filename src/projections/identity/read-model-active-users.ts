/** The active-users port (src/ports/active-users.port.ts) over the users and roles views. */
import type { Permission } from '../../domain/identity/permissions';
import type { ActiveUsers } from '../../ports/active-users.port';
import type { ReadModelDb } from '../runtime/projection';
import { activeUsersHolding } from './roles.queries';

export class ReadModelActiveUsers implements ActiveUsers {
  constructor(private readonly db: ReadModelDb) {}

  holding(userIds: readonly string[], permission: Permission): Promise<Set<string>> {
    return activeUsersHolding(this.db, userIds, permission);
  }
}
