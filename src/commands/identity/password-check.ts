/**
 * Checking a password against an account, at login and at a password change alike: a locked
 * account waits, and consecutive wrong passwords lock it for a while, recorded as UserLockedOut.
 */
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { locked, unauthenticated } from '../../domain/errors';
import type { CredentialStore, PasswordHasher, StoredCredentials } from '../../ports/identity.ports';
import type { CommandSettings } from '../../ports/command-settings.port';
import type { CommandContext } from '../command-context';
import type { CommandRunner } from '../command-runner';

export const invalidCredentials = () => unauthenticated('CredentialsMustMatch', 'the login or the password is wrong');

export interface PasswordCheckDeps {
  credentials: CredentialStore;
  passwords: PasswordHasher;
  config: Pick<CommandSettings, 'AUTH_LOCKOUT_THRESHOLD' | 'AUTH_LOCKOUT_MINUTES'>;
  runner: CommandRunner;
}

/** Resolves when `password` is the account's; otherwise throws, counting the failure. */
export async function checkPassword(deps: PasswordCheckDeps, account: StoredCredentials, password: string, context: CommandContext): Promise<void> {
  const now = Date.now();
  if (account.lockedUntil && account.lockedUntil.getTime() > now) {
    throw locked('LockedAccountsWait', 'too many failed logins; try again later', Math.ceil((account.lockedUntil.getTime() - now) / 1000));
  }
  if (await deps.passwords.verify(account.passwordHash, password)) {
    await deps.credentials.recordSuccess(account.userId);
    return;
  }
  const failures = await deps.credentials.recordFailure(account.userId);
  if (failures >= deps.config.AUTH_LOCKOUT_THRESHOLD) {
    const until = new Date(now + deps.config.AUTH_LOCKOUT_MINUTES * 60_000);
    await deps.credentials.lock(account.userId, until);
    await deps.runner.run(
      userDecider,
      { id: account.userId, stream: userStream(account.userId) },
      { type: 'RecordLockout', data: { userId: account.userId, failures, until: until.toISOString(), at: new Date(now).toISOString() } },
      context,
    );
  }
  throw invalidCredentials();
}
