/**
 * A password change: the current one must match, and wrong ones count towards the lockout as at
 * login; the new hash is stored, other sessions end, PasswordChanged records it.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CREDENTIAL_STORE, CredentialStore, PASSWORD_HASHER, PasswordHasher } from '../../ports/identity.ports';
import { COMMAND_SETTINGS, type CommandSettings } from '../../ports/command-settings.port';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../../ports/session-revocations.port';
import { CommandRunner } from '../command-runner';
import { ChangePassword } from './identity.commands';
import { checkPassword, invalidCredentials, PasswordCheckDeps } from './password-check';

@CommandHandler(ChangePassword)
export class ChangePasswordHandler implements ICommandHandler<ChangePassword> {
  private readonly check: PasswordCheckDeps;

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(COMMAND_SETTINGS) config: Pick<CommandSettings, 'AUTH_LOCKOUT_THRESHOLD' | 'AUTH_LOCKOUT_MINUTES'>,
    private readonly runner: CommandRunner,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
  ) {
    this.check = { credentials, passwords, config, runner };
  }

  async execute({ userId, sessionId, currentPassword, newPassword, context }: ChangePassword) {
    const account = await this.credentials.findById(userId);
    if (!account) throw invalidCredentials();
    await checkPassword(this.check, account, currentPassword, context);
    const result = await this.runner.run(
      userDecider,
      { id: userId, stream: userStream(userId) },
      { type: 'ChangePassword', data: { userId, at: new Date().toISOString() } },
      context,
    );
    await this.credentials.setPasswordHash(userId, await this.passwords.hash(newPassword));
    await this.revocations.announce(await this.credentials.revokeAllSessions(userId, 'password-changed', sessionId));
    return result;
  }
}
