/**
 * Login with email or username. An unknown user and a wrong password get the same answer after
 * the same work (a verification against a dummy hash). Consecutive failures lock the account for
 * a while, recorded as UserLockedOut.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { locked, unauthenticated } from '../../domain/errors';
import { CREDENTIAL_STORE, CredentialStore, PASSWORD_HASHER, PasswordHasher } from '../../ports/identity.ports';
import { CONFIG, type Config } from '../../config';
import { CommandRunner } from '../command-runner';
import { LogIn } from './identity.commands';
import { SessionIssuer } from './session-issuer';

export const invalidCredentials = () => unauthenticated('CredentialsMustMatch', 'the login or the password is wrong');

@CommandHandler(LogIn)
export class LogInHandler implements ICommandHandler<LogIn> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(CONFIG) private readonly config: Pick<Config, 'AUTH_LOCKOUT_THRESHOLD' | 'AUTH_LOCKOUT_MINUTES'>,
    private readonly runner: CommandRunner,
    private readonly sessions: SessionIssuer,
  ) {}

  async execute({ login, password, client, context }: LogIn) {
    const account = await this.credentials.findByLogin(login);
    if (!account) {
      await this.passwords.verifyNothing(password);
      throw invalidCredentials();
    }
    const now = Date.now();
    if (account.lockedUntil && account.lockedUntil.getTime() > now) {
      throw locked('LockedAccountsWait', 'too many failed logins; try again later', Math.ceil((account.lockedUntil.getTime() - now) / 1000));
    }
    if (!(await this.passwords.verify(account.passwordHash, password))) {
      const failures = await this.credentials.recordFailure(account.userId);
      if (failures >= this.config.AUTH_LOCKOUT_THRESHOLD) {
        const until = new Date(now + this.config.AUTH_LOCKOUT_MINUTES * 60_000);
        await this.credentials.lock(account.userId, until);
        await this.runner.run(
          userDecider,
          { id: account.userId, stream: userStream(account.userId) },
          { type: 'RecordLockout', data: { userId: account.userId, failures, until: until.toISOString(), at: new Date(now).toISOString() } },
          context,
        );
      }
      throw invalidCredentials();
    }
    await this.credentials.recordSuccess(account.userId);
    return this.sessions.open(account.userId, client, context);
  }
}
