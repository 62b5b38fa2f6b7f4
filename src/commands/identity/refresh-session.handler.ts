/**
 * Refresh-token rotation: a refresh token works once and yields a new pair in the same family.
 * Presenting a token that was already used means it leaked: the whole family (the session) is
 * revoked, recorded as SessionRevoked, and the answer is 401.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { unauthenticated } from '../../domain/errors';
import { CREDENTIAL_STORE, CredentialStore, TOKEN_ISSUER, TokenIssuer } from '../../ports/identity.ports';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../../ports/session-revocations.port';
import { CommandRunner } from '../command-runner';
import { RefreshSession } from './identity.commands';
import { SessionIssuer } from './session-issuer';

const refreshRefused = () => unauthenticated('RefreshTokensWorkOnce', 'the refresh token is not valid');

@CommandHandler(RefreshSession)
export class RefreshSessionHandler implements ICommandHandler<RefreshSession> {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    private readonly runner: CommandRunner,
    private readonly sessions: SessionIssuer,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
  ) {}

  async execute({ refreshToken, context }: RefreshSession) {
    const successor = this.tokens.newRefreshToken();
    const outcome = await this.credentials.rotateRefreshToken(this.tokens.hashRefreshToken(refreshToken), successor.hash, this.sessions.refreshExpiry());
    if (outcome.kind === 'invalid') throw refreshRefused();
    if (outcome.kind === 'reused') {
      if (await this.credentials.revokeSession(outcome.sessionId, 'refresh-token-reuse')) {
        // The theft case: whoever holds the stolen access token loses its sockets now too.
        await this.revocations.announce([outcome.sessionId]);
        await this.runner.run(
          userDecider,
          { id: outcome.userId, stream: userStream(outcome.userId) },
          {
            type: 'RevokeSession',
            data: { userId: outcome.userId, sessionId: outcome.sessionId, reason: 'refresh-token-reuse', at: new Date().toISOString() },
          },
          context,
        );
      }
      throw refreshRefused();
    }
    if (!(await this.credentials.accessOf(outcome.sessionId, outcome.userId))) throw refreshRefused();
    const access = await this.tokens.issueAccessToken({ userId: outcome.userId, sessionId: outcome.sessionId });
    return {
      userId: outcome.userId,
      sessionId: outcome.sessionId,
      accessToken: access.token,
      refreshToken: successor.token,
      expiresIn: access.expiresIn,
      tokenType: 'Bearer' as const,
    };
  }
}
