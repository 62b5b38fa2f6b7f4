/**
 * Roles and what each may do, declared in one place. A permission is `resource:action`;
 * `admin` holds every permission there is.
 */
export const PERMISSIONS = [
  'profile:read',
  'profile:update',
  'tickets:create',
  'tickets:read-own',
  'tickets:read-all',
  'tickets:update-all',
  'tickets:internal-notes',
  'channels:read',
  'channels:write',
  'channels:moderate',
  'voice:join',
  'sync:use',
  'audit:read',
  'users:read',
  'users:manage',
  'projections:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'auditor', 'user', 'guest'] as const;
export type Role = (typeof ROLES)[number];

const member: Permission[] = ['profile:read', 'profile:update', 'tickets:create', 'tickets:read-own', 'channels:read', 'channels:write', 'voice:join', 'sync:use'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  auditor: new Set<Permission>(['profile:read', 'audit:read', 'users:read', 'tickets:read-all']),
  user: new Set(member),
  guest: new Set<Permission>(['profile:read', 'channels:read']),
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

