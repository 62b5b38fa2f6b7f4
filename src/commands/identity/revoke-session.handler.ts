/** Logout (by refresh token) and revoking one of one's own sessions (by id): the session ends, SessionRevoked records it. */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { notFound } from '../../domain/errors';
import { CREDENTIAL_STORE, CredentialStore, TOKEN_ISSUER, TokenIssuer } from '../../ports/identity.ports';
import { CommandRunner } from '../command-runner';
import { RevokeSession } from './identity.commands';

@CommandHandler(RevokeSession)
export class RevokeSessionHandler implements ICommandHandler<RevokeSession> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    private readonly runner: CommandRunner,
  ) {}

  async execute({ target, context }: RevokeSession): Promise<void> {
    let session: { sessionId: string; userId: string } | null;
    let reason: 'logout' | 'revoked-by-user';
    if ('refreshToken' in target) {
      session = await this.credentials.findSessionByRefreshToken(this.tokens.hashRefreshToken(target.refreshToken));
      reason = 'logout';
      if (!session) return; // logging out with an unknown token changes nothing, and says nothing
    } else {
      const mine = await this.credentials.listSessions(target.userId);
      session = mine.some((s) => s.id === target.sessionId) ? { sessionId: target.sessionId, userId: target.userId } : null;
      reason = 'revoked-by-user';
      if (!session) throw notFound('OnlyOwnLiveSessionsAreRevoked', 'no such session');
    }
    if (await this.credentials.revokeSession(session.sessionId, reason)) {
      await this.runner.run(
        userDecider,
        { id: session.userId, stream: userStream(session.userId) },
        { type: 'RevokeSession', data: { userId: session.userId, sessionId: session.sessionId, reason, at: new Date().toISOString() } },
        context,
      );
    }
  }
}
