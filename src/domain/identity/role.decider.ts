/**
 * A role's permissions, changed at run time by an admin (`role-<name>` streams). A role without
 * events holds its built-in defaults (ROLE_PERMISSIONS), so a fresh install needs no seeding
 * events. `admin` always holds every permission: a change that would take one away is refused,
 * and permissions added to the code later reach admin without an event.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { forbidden } from '../errors';
import { PERMISSIONS, Permission, Role, ROLE_PERMISSIONS } from './permissions';

export const roleStream = (role: Role) => `role-${role}`;

export type RoleCommand =
  | { type: 'SetRolePermissions'; data: { role: Role; permissions: readonly Permission[]; by: string; at: string } }
  | { type: 'ChangeRolePermissions'; data: { role: Role; grant: readonly Permission[]; revoke: readonly Permission[]; by: string; at: string } };

export type RoleEvent = {
  type: 'RolePermissionsChanged';
  /** `permissions` is the whole set afterwards; `granted` and `revoked` say what changed. */
  data: { role: Role; granted: Permission[]; revoked: Permission[]; permissions: Permission[]; by: string; at: string };
};

/** `null` until the first change: the role's built-in defaults apply. */
export interface RoleState {
  permissions: ReadonlySet<Permission> | null;
}

export const roleDecider: Decider<RoleCommand, RoleEvent, RoleState> = {
  eventTypes: eventTypes<RoleEvent>({ RolePermissionsChanged: true }),
  initialState: () => ({ permissions: null }),

  evolve: (_state, event) => ({ permissions: new Set(event.data.permissions) }),

  decide(command, state) {
    const { role, by, at } = command.data;
    const current = effectivePermissions(role, state.permissions);
    let next: Set<Permission>;
    switch (command.type) {
      case 'SetRolePermissions':
        next = new Set(command.data.permissions);
        break;
      case 'ChangeRolePermissions':
        next = new Set([...current, ...command.data.grant].filter((p) => !command.data.revoke.includes(p)));
        break;
      default:
        return assertNever(command);
    }
    const revoked = inOrder([...current].filter((p) => !next.has(p)));
    const granted = inOrder([...next].filter((p) => !current.has(p)));
    if (role === 'admin' && revoked.length > 0)
      throw forbidden('AdminKeepsEveryPermission', `admin keeps every permission; refused to revoke ${revoked.join(', ')}`);
    if (granted.length === 0 && revoked.length === 0) return [];
    return [{ type: 'RolePermissionsChanged', data: { role, granted, revoked, permissions: inOrder([...next]), by, at } }];
  },
};

/**
 * What a role may do: admin everything; a role whose permissions were changed, the stored set
 * (less anything this version no longer knows); otherwise its built-in defaults.
 */
export function effectivePermissions(role: Role, stored: Iterable<string> | null): ReadonlySet<Permission> {
  if (role === 'admin') return ROLE_PERMISSIONS.admin;
  if (stored === null) return ROLE_PERMISSIONS[role];
  const kept = new Set<string>(stored);
  return new Set(PERMISSIONS.filter((p) => kept.has(p)));
}

/** Permissions in their declared order, so that events and answers read the same way each time. */
function inOrder(permissions: readonly Permission[]): Permission[] {
  const set = new Set(permissions);
  return PERMISSIONS.filter((p) => set.has(p));
}
