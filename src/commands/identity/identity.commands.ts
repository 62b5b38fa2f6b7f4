/** The identity commands, each answered through the CQRS command bus. */
import { Command } from '@nestjs/cqrs';
import type { Role } from '../../domain/identity/permissions';
import type { CommandContext, CommandResult } from '../command-context';

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedSession {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export class RegisterUser extends Command<IssuedSession & { position: number }> {
  constructor(
    readonly input: { email: string; username: string; password: string; displayName?: string },
    readonly client: Client,
    readonly context: CommandContext,
    readonly role: Role = 'user',
  ) {
    super();
  }
}

export class LogIn extends Command<IssuedSession> {
  constructor(
    readonly login: string,
    readonly password: string,
    readonly client: Client,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RefreshSession extends Command<IssuedSession> {
  constructor(
    readonly refreshToken: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RevokeSession extends Command<void> {
  /** By refresh token (logout) or by session id (one of the actor's own sessions). */
  constructor(
    readonly target: { refreshToken: string } | { sessionId: string; userId: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class ChangePassword extends Command<CommandResult> {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class ChangeUserRole extends Command<CommandResult> {
  constructor(
    readonly userId: string,
    readonly role: Role,
    readonly context: CommandContext & { actorId: string },
  ) {
    super();
  }
}

export class DeactivateUser extends Command<CommandResult> {
  constructor(
    readonly userId: string,
    readonly context: CommandContext & { actorId: string },
  ) {
    super();
  }
}
