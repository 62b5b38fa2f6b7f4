/**
 * Every route needs a valid access token unless marked `@Public()`. Beyond the signature, each
 * request checks that the session is live and the user active (one indexed query), so a
 * deactivated user or a revoked session is refused at the next request, and a change of a
 * user's role, or of what a role may do, applies at once.
 */
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { CREDENTIAL_STORE, CredentialStore, TOKEN_ISSUER, TokenIssuer } from '../../ports/identity.ports';
import { problem } from '../http/problem-codes';
import { ProblemException } from '../http/problem-details.filter';
import { AuthenticatedUser, PermissionRequirement, PUBLIC_ROUTE, REQUIRED_PERMISSIONS } from './authenticated-user';

const unauthenticated = (detail: string) => new ProblemException(problem('unauthenticated', detail), { 'www-authenticate': 'Bearer realm="switchboard"' });

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw unauthenticated('send an access token: Authorization: Bearer <token>');
    let claims;
    try {
      claims = await this.tokens.verifyAccessToken(header.slice('Bearer '.length).trim());
    } catch {
      throw unauthenticated('the access token is not valid or has expired');
    }
    const access = await this.credentials.accessOf(claims.sessionId, claims.userId);
    if (!access) throw unauthenticated('the session has ended or the account is deactivated');
    request.user = { id: claims.userId, sessionId: claims.sessionId, role: access.role, permissions: access.permissions, tokenExpiresAt: claims.expiresAt };

    const required = this.reflector.getAllAndOverride<PermissionRequirement | undefined>(REQUIRED_PERMISSIONS, targets);
    if (!required) return true;
    const missing = required.permissions.filter((permission) => !access.permissions.has(permission));
    if (required.holds === 'all' && missing.length > 0) throw new ProblemException(problem('forbidden', `your role lacks ${missing.join(', ')}`));
    if (required.holds === 'any' && missing.length === required.permissions.length)
      throw new ProblemException(problem('forbidden', `your role lacks one of ${missing.join(', ')}`));
    return true;
  }
}
