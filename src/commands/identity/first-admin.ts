/**
 * ADMIN_EMAIL / ADMIN_PASSWORD: the first admin, created at start-up when no account has that
 * email. Several nodes may start at once; one of them creates it.
 */
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CREDENTIAL_STORE, CredentialStore } from '../../ports/identity.ports';
import { CONFIG, type Config } from '../../config';
import { newCommandContext } from '../command-context';
import { DomainError } from '../../domain/errors';
import { RegisterUser } from './identity.commands';

@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'ADMIN_USERNAME'>,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_USERNAME: username } = this.config;
    if (!email || !password || (await this.credentials.findByLogin(email))) return;
    try {
      await this.commands.execute(new RegisterUser({ email, username, password, displayName: 'Administrator' }, { ip: null, userAgent: 'start-up' }, newCommandContext({ actorId: null }), 'admin'));
    } catch (error) {
      // Another node starting at the same moment created it: the unique email decided.
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
    }
  }
}
