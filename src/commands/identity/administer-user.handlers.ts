/**
 * An admin changes a user's role or deactivates them. Both answer only once the users view shows
 * the change, so the user's very next request is judged by it; deactivation also ends every
 * session at once.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CREDENTIAL_STORE, CredentialStore } from '../../ports/identity.ports';
import { READ_MODEL_PROGRESS, type ReadModelProgress } from '../../ports/read-model-progress.port';
import { CommandRunner } from '../command-runner';
import { ChangeUserRole, DeactivateUser } from './identity.commands';

@CommandHandler(ChangeUserRole)
export class ChangeUserRoleHandler implements ICommandHandler<ChangeUserRole> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
  ) {}

  async execute({ userId, role, context }: ChangeUserRole) {
    const result = await this.runner.run(
      userDecider,
      { id: userId, stream: userStream(userId) },
      { type: 'ChangeRole', data: { userId, role, by: context.actorId, at: new Date().toISOString() } },
      context,
    );
    await this.progress.waitFor('users', result.position);
    return result;
  }
}

@CommandHandler(DeactivateUser)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUser> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    private readonly runner: CommandRunner,
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
  ) {}

  async execute({ userId, context }: DeactivateUser) {
    const result = await this.runner.run(
      userDecider,
      { id: userId, stream: userStream(userId) },
      { type: 'DeactivateUser', data: { userId, by: context.actorId, at: new Date().toISOString() } },
      context,
    );
    await this.credentials.revokeAllSessions(userId, 'user-deactivated');
    await this.progress.waitFor('users', result.position);
    return result;
  }
}
