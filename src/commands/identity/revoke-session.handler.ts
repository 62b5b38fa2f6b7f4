/** Logout (by refresh token) and revoking one of one's own sessions (by id): the session ends, SessionRevoked records it. */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { notFound } from '../../domain/errors';
import { CREDENTIAL_STORE, CredentialStore, TOKEN_ISSUER, TokenIssuer } from '../../ports/identity.ports';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../../ports/session-revocations.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext } from '../command-context';
import { RevokeSession } from './identity.commands';

@CommandHandler(RevokeSession)
export class RevokeSessionHandler implements ICommandHandler<RevokeSession> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    private readonly runner: CommandRunner,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
  ) {}

  async execute({ target, context }: RevokeSession): Promise<void> {
    if ('refreshToken' in target) {
      const session = await this.credentials.findSessionByRefreshToken(this.tokens.hashRefreshToken(target.refreshToken));
      // Logging out with an unknown token changes nothing, and says nothing.
      if (session && (await this.credentials.revokeSession(session.sessionId, 'logout')))
        await this.record(session.userId, session.sessionId, 'logout', context);
      return;
    }
    if (!(await this.credentials.revokeOwnSession(target.sessionId, target.userId, 'revoked-by-user'))) {
      throw notFound('OnlyOwnLiveSessionsAreRevoked', 'no such session');
    }
    await this.record(target.userId, target.sessionId, 'revoked-by-user', context);
  }

  private async record(userId: string, sessionId: string, reason: 'logout' | 'revoked-by-user', context: CommandContext): Promise<void> {
    await this.revocations.announce([sessionId]);
    await this.runner.run(
      userDecider,
      { id: userId, stream: userStream(userId) },
      { type: 'RevokeSession', data: { userId, sessionId, reason, at: new Date().toISOString() } },
      context,
    );
  }
}
