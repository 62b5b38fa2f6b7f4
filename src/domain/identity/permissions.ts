/**
 * Roles and what each may do by default, declared in one place. A permission is `resource:action`;
 * `admin` holds every permission there is. An admin changes the other roles' permissions at run
 * time (role.decider.ts); requests are judged by the permissions the auth guard resolved from the
 * roles read model, and `can` answers with these defaults only.
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
  'roles:manage',
  'customers:create',
  'customers:read',
  'customers:update',
  'customers:delete',
  'customers:statistics',
  'customers:batch-update',
  'customer-groups:create',
  'customer-groups:read',
  'customer-groups:update',
  'customer-groups:delete',
  'customer-groups:manage-members',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'auditor', 'user', 'guest', 'support'] as const;
export type Role = (typeof ROLES)[number];

const member: Permission[] = [
  'profile:read',
  'profile:update',
  'tickets:create',
  'tickets:read-own',
  'channels:read',
  'channels:write',
  'voice:join',
  'sync:use',
];
const ticketStaff: Permission[] = ['tickets:read-all', 'tickets:update-all', 'tickets:internal-notes'];
const customerStaff = PERMISSIONS.filter((permission) => permission.startsWith('customers:') || permission.startsWith('customer-groups:'));

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  auditor: new Set<Permission>(['profile:read', 'audit:read', 'users:read', 'tickets:read-all']),
  user: new Set(member),
  guest: new Set<Permission>(['profile:read', 'channels:read']),
  support: new Set<Permission>([...member, ...ticketStaff, ...customerStaff]),
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
