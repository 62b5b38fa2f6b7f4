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

/** The caller's role must hold every one of these permissions (403 otherwise). */
export const RequirePermission = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
