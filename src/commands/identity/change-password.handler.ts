/** A password change: the current one must match; the new hash is stored, other sessions end, PasswordChanged records it. */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CREDENTIAL_STORE, CredentialStore, PASSWORD_HASHER, PasswordHasher } from '../../ports/identity.ports';
import { CommandRunner } from '../command-runner';
import { ChangePassword } from './identity.commands';
import { invalidCredentials } from './log-in.handler';

@CommandHandler(ChangePassword)
export class ChangePasswordHandler implements ICommandHandler<ChangePassword> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    private readonly runner: CommandRunner,
  ) {}

  async execute({ userId, sessionId, currentPassword, newPassword, context }: ChangePassword) {
    const account = await this.credentials.findById(userId);
    if (!account || !(await this.passwords.verify(account.passwordHash, currentPassword))) throw invalidCredentials();
    const result = await this.runner.run(userDecider, { id: userId, stream: userStream(userId) }, { type: 'ChangePassword', data: { userId, at: new Date().toISOString() } }, context);
    await this.credentials.setPasswordHash(userId, await this.passwords.hash(newPassword));
    for (const session of await this.credentials.listSessions(userId)) {
      if (session.id !== sessionId) await this.credentials.revokeSession(session.id, 'password-changed');
    }
    return result;
  }
}
