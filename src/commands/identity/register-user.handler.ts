/**
 * Registration: hash the password, reserve email and username in the credentials store (a unique
 * index, so concurrent registrations of one name cannot both win), record UserRegistered, wait
 * until the users view has it (so the new tokens work at once), then open a session.
 */
import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { conflict } from '../../domain/errors';
import { CREDENTIAL_STORE, CredentialStore, PASSWORD_HASHER, PasswordHasher } from '../../ports/identity.ports';
import { READ_MODEL_PROGRESS, type ReadModelProgress } from '../../ports/read-model-progress.port';
import { CommandRunner } from '../command-runner';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { RegisterUser } from './identity.commands';
import { SessionIssuer } from './session-issuer';

@CommandHandler(RegisterUser)
export class RegisterUserHandler implements ICommandHandler<RegisterUser> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: CommandRunner,
    private readonly sessions: SessionIssuer,
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
  ) {}

  async execute({ input, client, context, role }: RegisterUser) {
    // Not derived from an Idempotency-Key: an anonymous sender's key is nobody's, and replaying
    // someone else's would hand over their account. The unique email makes retries safe anyway.
    const userId = randomUUID();
    const reservation = await this.credentials.reserve({
      userId,
      email: input.email,
      username: input.username,
      passwordHash: await this.passwords.hash(input.password),
    });
    if (reservation === 'email-taken') throw conflict('EmailIsTaken', 'an account with this email exists');
    if (reservation === 'username-taken') throw conflict('UsernameIsTaken', 'this username is taken');
    try {
      const registered = await this.runner.run(
        userDecider,
        { id: userId, stream: userStream(userId) },
        {
          type: 'RegisterUser',
          data: { userId, email: input.email, username: input.username, displayName: input.displayName ?? input.username, role, at: new Date().toISOString() },
        },
        { ...context, commandId: randomUUID(), actorId: context.actorId ?? userId },
      );
      await this.progress.waitFor('users', registered.position);
      return { ...(await this.sessions.open(userId, client, context)), position: registered.position };
    } catch (error) {
      // Without its event the reservation must not block the name (unless the event made it after all).
      if ((await this.store.readStream(userStream(userId))).length === 0) await this.credentials.release(userId);
      throw error;
    }
  }
}
