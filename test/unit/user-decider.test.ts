import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { userDecider, UserEvent } from '../../src/domain/identity/user.decider';
import { can, PERMISSIONS, ROLES } from '../../src/domain/identity/permissions';

const spec = deciderSpec(userDecider);
const at = '2026-11-21T10:00:00.000Z';
const userId = '0b7f8d1e-6c1a-4f55-8d0e-2f4a6b8c9d01';
const adminId = 'a0a0a0a0-0000-4000-8000-000000000001';
const sessionId = '5e55105e-1d00-4000-8000-000000000002';
const registered: UserEvent = { type: 'UserRegistered', data: { userId, email: 'ada@example.com', username: 'ada', displayName: 'Ada', role: 'user', at } };
const deactivated: UserEvent = { type: 'UserDeactivated', data: { userId, by: adminId, at } };

describe('user decider', () => {
  describe('RegisterUser', () => {
    it('registers a new user', () =>
      spec
        .given([])
        .when({ type: 'RegisterUser', data: registered.data as never })
        .then([registered]));
    it('registers a user once', () =>
      spec
        .given([registered])
        .when({ type: 'RegisterUser', data: registered.data as never })
        .thenFails('UserRegistersOnce'));
  });

  describe('RecordLogin', () => {
    it('records a login with its session', () =>
      spec
        .given([registered])
        .when({ type: 'RecordLogin', data: { userId, sessionId, at } })
        .then([{ type: 'UserLoggedIn', data: { userId, sessionId, at } }]));
    it('refuses a deactivated user', () =>
      spec.given([registered, deactivated]).when({ type: 'RecordLogin', data: { userId, sessionId, at } }).thenFails('DeactivatedUsersDoNotLogIn'));
    it('refuses an unknown user', () => spec.given([]).when({ type: 'RecordLogin', data: { userId, sessionId, at } }).thenFails('OnlyRegisteredUsersChange'));
  });

  describe('RecordLockout', () => {
    it('records a temporary lockout', () =>
      spec
        .given([registered])
        .when({ type: 'RecordLockout', data: { userId, failures: 5, until: at, at } })
        .then([{ type: 'UserLockedOut', data: { userId, failures: 5, until: at, at } }]));
  });

  describe('ChangePassword', () => {
    it('records that the password changed, never the password', () =>
      spec
        .given([registered])
        .when({ type: 'ChangePassword', data: { userId, at } })
        .then([{ type: 'PasswordChanged', data: { userId, at } }]));
    it('refuses a deactivated user', () =>
      spec.given([registered, deactivated]).when({ type: 'ChangePassword', data: { userId, at } }).thenFails('DeactivatedUsersDoNotChangePasswords'));
  });

  describe('ChangeRole', () => {
    it('changes the role, saying from what', () =>
      spec
        .given([registered])
        .when({ type: 'ChangeRole', data: { userId, role: 'auditor', by: adminId, at } })
        .then([{ type: 'UserRoleChanged', data: { userId, from: 'user', to: 'auditor', by: adminId, at } }]));
    it('records nothing when the role is already that', () =>
      spec
        .given([registered])
        .when({ type: 'ChangeRole', data: { userId, role: 'user', by: adminId, at } })
        .then([]));
    it('refuses to let an admin change their own role', () =>
      spec
        .given([registered])
        .when({ type: 'ChangeRole', data: { userId, role: 'admin', by: userId, at } })
        .thenFails('AdminsDoNotChangeTheirOwnRole'));
  });

  describe('DeactivateUser', () => {
    it('deactivates', () =>
      spec
        .given([registered])
        .when({ type: 'DeactivateUser', data: { userId, by: adminId, at } })
        .then([deactivated]));
    it('records nothing for an already deactivated user', () =>
      spec
        .given([registered, deactivated])
        .when({ type: 'DeactivateUser', data: { userId, by: adminId, at } })
        .then([]));
    it('refuses to let an admin deactivate themselves', () =>
      spec
        .given([registered])
        .when({ type: 'DeactivateUser', data: { userId, by: userId, at } })
        .thenFails('AdminsDoNotDeactivateThemselves'));
  });

  describe('RevokeSession', () => {
    const revoke = { type: 'RevokeSession' as const, data: { userId, sessionId, reason: 'logout' as const, at } };
    it('revokes a session', () =>
      spec
        .given([registered])
        .when(revoke)
        .then([{ type: 'SessionRevoked', data: revoke.data }]));
    it('revokes a session once', () =>
      spec
        .given([registered, { type: 'SessionRevoked', data: revoke.data }])
        .when(revoke)
        .then([]));
  });
});

describe('roles and permissions', () => {
  it('gives admin every permission', () => {
    for (const permission of PERMISSIONS) expect(can('admin', permission)).toBe(true);
  });
  it('keeps admin-only permissions from the other roles', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(can(role, 'users:manage')).toBe(false);
      expect(can(role, 'projections:manage')).toBe(false);
    }
  });
  it('lets auditors read the audit trail, and users not', () => {
    expect(can('auditor', 'audit:read')).toBe(true);
    expect(can('user', 'audit:read')).toBe(false);
    expect(can('guest', 'tickets:create')).toBe(false);
  });
});
