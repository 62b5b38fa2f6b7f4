import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { effectivePermissions, RoleEvent, roleDecider } from '../../src/domain/identity/role.decider';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../src/domain/identity/permissions';

const spec = deciderSpec(roleDecider);
const at = '2026-11-21T10:00:00.000Z';
const by = 'admin-1';

describe('role decider', () => {
  it('starts from the built-in defaults: a grant adds to them', () => {
    const defaults = [...ROLE_PERMISSIONS.user];
    spec
      .given([])
      .when({ type: 'ChangeRolePermissions', data: { role: 'user', grant: ['customers:read'], revoke: ['voice:join'], by, at } })
      .then([
        {
          type: 'RolePermissionsChanged',
          data: {
            role: 'user',
            granted: ['customers:read'],
            revoked: ['voice:join'],
            permissions: PERMISSIONS.filter((p) => (defaults.includes(p) && p !== 'voice:join') || p === 'customers:read'),
            by,
            at,
          },
        },
      ]);
  });

  it('replaces the whole set, saying what was granted and revoked', () => {
    const changed: RoleEvent[] = [
      {
        type: 'RolePermissionsChanged',
        data: { role: 'guest', granted: ['tickets:create'], revoked: [], permissions: ['profile:read', 'channels:read', 'tickets:create'], by, at },
      },
    ];
    spec
      .given(changed)
      .when({ type: 'SetRolePermissions', data: { role: 'guest', permissions: ['profile:read', 'customers:read'], by, at } })
      .then([
        {
          type: 'RolePermissionsChanged',
          data: {
            role: 'guest',
            granted: ['customers:read'],
            revoked: ['tickets:create', 'channels:read'],
            permissions: ['profile:read', 'customers:read'],
            by,
            at,
          },
        },
      ]);
  });

  it('records nothing when nothing changes', () =>
    spec
      .given([])
      .when({ type: 'SetRolePermissions', data: { role: 'guest', permissions: [...ROLE_PERMISSIONS.guest], by, at } })
      .then([]));

  it('keeps every permission with admin', () => {
    spec
      .given([])
      .when({ type: 'ChangeRolePermissions', data: { role: 'admin', grant: [], revoke: ['roles:manage'], by, at } })
      .thenFails('AdminKeepsEveryPermission');
    spec
      .given([])
      .when({ type: 'SetRolePermissions', data: { role: 'admin', permissions: ['profile:read'], by, at } })
      .thenFails('AdminKeepsEveryPermission');
    spec
      .given([])
      .when({ type: 'SetRolePermissions', data: { role: 'admin', permissions: [...PERMISSIONS], by, at } })
      .then([]);
  });

  it('resolves what a role may do: admin all, a changed role its stored set, otherwise the defaults', () => {
    expect([...effectivePermissions('admin', ['profile:read'])]).toEqual([...PERMISSIONS]);
    expect(effectivePermissions('support', null)).toBe(ROLE_PERMISSIONS.support);
    expect([...effectivePermissions('support', ['customers:read', 'no-longer:known'])]).toEqual(['customers:read']);
    expect([...effectivePermissions('user', [])]).toEqual([]);
  });

  it('gives support the customer and ticket-staff permissions', () => {
    for (const permission of [
      'customers:batch-update',
      'customer-groups:manage-members',
      'tickets:read-all',
      'tickets:update-all',
      'tickets:internal-notes',
      'tickets:read-own',
    ] as const) {
      expect(ROLE_PERMISSIONS.support.has(permission)).toBe(true);
    }
    expect(ROLE_PERMISSIONS.support.has('roles:manage')).toBe(false);
  });
});
