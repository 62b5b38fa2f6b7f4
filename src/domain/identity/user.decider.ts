/**
 * A user account (`user-<id>` streams). The events record that something happened to the
 * account, never a secret: hashes and tokens live in the auth adapter's credentials tables.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { forbidden, illegalState } from '../errors';
import type { Role } from './permissions';

export const userStream = (userId: string) => `user-${userId}`;

export type UserCommand =
  | { type: 'RegisterUser'; data: { userId: string; email: string; username: string; displayName: string; role: Role; at: string } }
  | { type: 'RecordLogin'; data: { userId: string; sessionId: string; at: string } }
  | { type: 'RecordLockout'; data: { userId: string; failures: number; until: string; at: string } }
  | { type: 'ChangePassword'; data: { userId: string; at: string } }
  | { type: 'ChangeRole'; data: { userId: string; role: Role; by: string; at: string } }
  | { type: 'DeactivateUser'; data: { userId: string; by: string; at: string } }
  | { type: 'RevokeSession'; data: { userId: string; sessionId: string; reason: SessionRevocationReason; at: string } };

export type SessionRevocationReason = 'logout' | 'revoked-by-user' | 'refresh-token-reuse' | 'user-deactivated' | 'password-changed';

export type UserEvent =
  | { type: 'UserRegistered'; data: { userId: string; email: string; username: string; displayName: string; role: Role; at: string } }
  | { type: 'UserLoggedIn'; data: { userId: string; sessionId: string; at: string } }
  | { type: 'UserLockedOut'; data: { userId: string; failures: number; until: string; at: string } }
  | { type: 'PasswordChanged'; data: { userId: string; at: string } }
  | { type: 'UserRoleChanged'; data: { userId: string; from: Role; to: Role; by: string; at: string } }
  | { type: 'UserDeactivated'; data: { userId: string; by: string; at: string } }
  | { type: 'SessionRevoked'; data: { userId: string; sessionId: string; reason: SessionRevocationReason; at: string } };

export type UserState =
  { status: 'unregistered' } | { status: 'active' | 'deactivated'; role: Role; lockedUntil: string | null; revokedSessions: ReadonlySet<string> };

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  eventTypes: eventTypes<UserEvent>({
    UserRegistered: true,
    UserLoggedIn: true,
    UserLockedOut: true,
    PasswordChanged: true,
    UserRoleChanged: true,
    UserDeactivated: true,
    SessionRevoked: true,
  }),
  initialState: () => ({ status: 'unregistered' }),

  evolve(state, event) {
    if (event.type === 'UserRegistered') return { status: 'active', role: event.data.role, lockedUntil: null, revokedSessions: new Set() };
    if (state.status === 'unregistered') return state;
    switch (event.type) {
      case 'UserLoggedIn':
      case 'PasswordChanged':
        return state;
      case 'UserLockedOut':
        return { ...state, lockedUntil: event.data.until };
      case 'UserRoleChanged':
        return { ...state, role: event.data.to };
      case 'UserDeactivated':
        return { ...state, status: 'deactivated' };
      case 'SessionRevoked':
        return { ...state, revokedSessions: new Set([...state.revokedSessions, event.data.sessionId]) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    if (command.type === 'RegisterUser') {
      if (state.status !== 'unregistered') throw illegalState('UserRegistersOnce', 'the user is registered already');
      return [{ type: 'UserRegistered', data: command.data }];
    }
    if (state.status === 'unregistered') throw illegalState('OnlyRegisteredUsersChange', 'no such user');
    switch (command.type) {
      case 'RecordLogin':
        if (state.status === 'deactivated') throw forbidden('DeactivatedUsersDoNotLogIn', 'the account is deactivated');
        return [{ type: 'UserLoggedIn', data: command.data }];
      case 'RecordLockout':
        return [{ type: 'UserLockedOut', data: command.data }];
      case 'ChangePassword':
        if (state.status === 'deactivated') throw forbidden('DeactivatedUsersDoNotChangePasswords', 'the account is deactivated');
        return [{ type: 'PasswordChanged', data: command.data }];
      case 'ChangeRole':
        if (command.data.by === command.data.userId) throw forbidden('AdminsDoNotChangeTheirOwnRole', 'ask another admin to change your role');
        if (state.role === command.data.role) return [];
        return [
          { type: 'UserRoleChanged', data: { userId: command.data.userId, from: state.role, to: command.data.role, by: command.data.by, at: command.data.at } },
        ];
      case 'DeactivateUser':
        if (command.data.by === command.data.userId) throw forbidden('AdminsDoNotDeactivateThemselves', 'ask another admin to deactivate your account');
        if (state.status === 'deactivated') return [];
        return [{ type: 'UserDeactivated', data: command.data }];
      case 'RevokeSession':
        if (state.revokedSessions.has(command.data.sessionId)) return [];
        return [{ type: 'SessionRevoked', data: command.data }];
      default:
        return assertNever(command);
    }
  },
};
