/** Opens a session for a user who proved who they are: a refresh token family, an access token, a login event. */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CREDENTIAL_STORE, CredentialStore, TOKEN_ISSUER, TokenIssuer } from '../../ports/identity.ports';
import { COMMAND_SETTINGS, type CommandSettings } from '../../ports/command-settings.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext } from '../command-context';
import type { Client, IssuedSession } from './identity.commands';

@Injectable()
export class SessionIssuer {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    @Inject(COMMAND_SETTINGS) private readonly config: Pick<CommandSettings, 'REFRESH_TOKEN_TTL_DAYS'>,
    private readonly runner: CommandRunner,
  ) {}

  refreshExpiry(): Date {
    return new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000);
  }

  async open(userId: string, client: Client, context: CommandContext): Promise<IssuedSession> {
    // The login event comes first: it refuses a deactivated user before any token exists.
    // Every login is a new session: a retried login is a second login, not a repeat of the first.
    const sessionId = randomUUID();
    await this.runner.run(
      userDecider,
      { id: userId, stream: userStream(userId) },
      { type: 'RecordLogin', data: { userId, sessionId, at: new Date().toISOString() } },
      {
        ...context,
        commandId: randomUUID(),
        actorId: userId,
      },
    );
    const refresh = this.tokens.newRefreshToken();
    await this.credentials.createSession({
      id: sessionId,
      userId,
      expiresAt: this.refreshExpiry(),
      userAgent: client.userAgent,
      ip: client.ip,
      refreshTokenHash: refresh.hash,
    });
    const access = await this.tokens.issueAccessToken({ userId, sessionId });
    return { userId, sessionId, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn, tokenType: 'Bearer' };
  }
}
