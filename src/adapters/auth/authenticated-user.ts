/** Who a request acts for, as the auth guard established it; `@CurrentUser()` hands it to a handler. */
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Permission, Role } from '../../domain/identity/permissions';

export interface AuthenticatedUser {
  id: string;
  sessionId: string;
  role: Role;
  /** What the role may do at this request (the roles view, not the token). */
  permissions: ReadonlySet<Permission>;
  tokenExpiresAt: number;
}

export const PUBLIC_ROUTE = 'switchboard:public';
export const REQUIRED_PERMISSIONS = 'switchboard:permissions';

/** Reachable without a token. Everything else requires one. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** What a route asks of the caller's role: every one of the permissions, or at least one of them. */
export interface PermissionRequirement {
  holds: 'all' | 'any';
  permissions: Permission[];
}

/**
 * The caller's role must hold every one of these permissions (403 otherwise). On a method it
 * replaces the controller's requirement, whichever of the two decorators either one uses.
 */
export const RequirePermission = (...permissions: Permission[]) =>
  SetMetadata(REQUIRED_PERMISSIONS, { holds: 'all', permissions } satisfies PermissionRequirement);

/** The caller's role must hold at least one of these permissions (403 otherwise). */
export const RequireAnyPermission = (...permissions: Permission[]) =>
  SetMetadata(REQUIRED_PERMISSIONS, { holds: 'any', permissions } satisfies PermissionRequirement);

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
