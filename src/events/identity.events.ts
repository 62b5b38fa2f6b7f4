/** The identity context's events: users and roles. */
import { z } from 'zod';
import type { RoleEvent } from '../domain/identity/role.decider';
import type { UserEvent } from '../domain/identity/user.decider';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant, permission, role } from './schemas';

const revocationReason = z.enum(['logout', 'revoked-by-user', 'refresh-token-reuse', 'user-deactivated', 'password-changed']);

export const userEvents: EventCatalog<UserEvent> = {
  UserRegistered: firstVersion(z.strictObject({ userId: id, email: z.string(), username: z.string(), displayName: z.string(), role, at: instant })),
  UserLoggedIn: firstVersion(z.strictObject({ userId: id, sessionId: id, at: instant })),
  UserLockedOut: firstVersion(z.strictObject({ userId: id, failures: z.number().int(), until: instant, at: instant })),
  PasswordChanged: firstVersion(z.strictObject({ userId: id, at: instant })),
  UserRoleChanged: firstVersion(z.strictObject({ userId: id, from: role, to: role, by: id, at: instant })),
  UserDeactivated: firstVersion(z.strictObject({ userId: id, by: id, at: instant })),
  SessionRevoked: firstVersion(z.strictObject({ userId: id, sessionId: id, reason: revocationReason, at: instant })),
};

export const roleEvents: EventCatalog<RoleEvent> = {
  RolePermissionsChanged: firstVersion(
    z.strictObject({ role, granted: z.array(permission), revoked: z.array(permission), permissions: z.array(permission), by: id, at: instant }),
  ),
};
