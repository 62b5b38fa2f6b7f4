/**
 * ADMIN_EMAIL / ADMIN_PASSWORD: the first admin, created at start-up when no account has that
 * email. Several nodes may start at once; one of them creates it. An existing account that is not
 * an admin, or a username already taken, is left alone and logged: start-up never changes roles.
 */
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CREDENTIAL_STORE, CredentialStore } from '../../ports/identity.ports';
import { COMMAND_SETTINGS, type CommandSettings } from '../../ports/command-settings.port';
import { LOGGER, type OperatorLog } from '../../ports/logger.port';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CommandRunner } from '../command-runner';
import { newCommandContext } from '../command-context';
import { DomainError } from '../../domain/errors';
import { RegisterUser } from './identity.commands';

@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  constructor(
    @Inject(COMMAND_SETTINGS) private readonly config: Pick<CommandSettings, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'ADMIN_USERNAME'>,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(LOGGER) private readonly log: OperatorLog,
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_USERNAME: username } = this.config;
    if (!email || !password) return;
    const existing = await this.credentials.findByLogin(email);
    if (existing) return this.warnUnlessAdmin(existing.userId, email);
    try {
      await this.commands.execute(
        new RegisterUser(
          { email, username, password, displayName: 'Administrator' },
          { ip: null, userAgent: 'start-up' },
          newCommandContext({ actorId: null }),
          'admin',
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError && (error.rule === 'EmailIsTaken' || error.rule === 'UsernameIsTaken'))) throw error;
      // Another node starting at the same moment took the email (and maybe the username first): it creates the admin.
      if (await this.credentials.findByLogin(email)) return;
      this.log.warn({ email, username }, 'first admin not created: ADMIN_USERNAME belongs to another account');
    }
  }

  private async warnUnlessAdmin(userId: string, email: string): Promise<void> {
    const user = await this.runner.current(userDecider, userStream(userId));
    if (user.status === 'unregistered' || user.role !== 'admin') {
      this.log.warn({ email, userId }, 'first admin not created: ADMIN_EMAIL belongs to an account that is not an admin');
    }
  }
}
