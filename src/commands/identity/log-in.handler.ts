/**
 * Login with email or username. An unknown user and a wrong password get the same answer after
 * the same work (a verification against a dummy hash). Consecutive failures lock the account for
 * a while, recorded as UserLockedOut.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CREDENTIAL_STORE, CredentialStore, PASSWORD_HASHER, PasswordHasher } from '../../ports/identity.ports';
import { COMMAND_SETTINGS, type CommandSettings } from '../../ports/command-settings.port';
import { CommandRunner } from '../command-runner';
import { LogIn } from './identity.commands';
import { checkPassword, invalidCredentials, PasswordCheckDeps } from './password-check';
import { SessionIssuer } from './session-issuer';

@CommandHandler(LogIn)
export class LogInHandler implements ICommandHandler<LogIn> {
  private readonly check: PasswordCheckDeps;

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(COMMAND_SETTINGS) config: Pick<CommandSettings, 'AUTH_LOCKOUT_THRESHOLD' | 'AUTH_LOCKOUT_MINUTES'>,
    runner: CommandRunner,
    private readonly sessions: SessionIssuer,
  ) {
    this.check = { credentials, passwords, config, runner };
  }

  async execute({ login, password, client, context }: LogIn) {
    const account = await this.credentials.findByLogin(login);
    if (!account) {
      await this.passwords.verifyNothing(password);
      throw invalidCredentials();
    }
    await checkPassword(this.check, account, password, context);
    return this.sessions.open(account.userId, client, context);
  }
}
