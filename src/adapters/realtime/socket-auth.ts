/**
 * Authenticating a websocket: where its access token comes from at the upgrade (the
 * `access_token` query parameter, or an entry of `Sec-WebSocket-Protocol`, for browsers that
 * cannot set headers), and the same check the HTTP guard makes: a valid signature, a live
 * session and an active user.
 */
import type { Permission, Role } from '../../domain/identity/permissions';
import type { CredentialStore, TokenIssuer } from '../../ports/identity.ports';

export interface SocketIdentity {
  userId: string;
  sessionId: string;
  role: Role;
  /** What the role may do, as of the last (re-)authentication: the roles view, not the token. */
  permissions: ReadonlySet<Permission>;
  /** Seconds since the epoch, from the token. */
  expiresAt: number;
}

export interface UpgradeToken {
  token: string;
  /** The subprotocol to echo: uWS (and RFC 6455) want one of those offered, or none if none was. */
  protocol: string;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The query parameter wins; otherwise the protocol entry shaped like a JWT. The echoed protocol
 * is the first other entry (say `switchboard.v1`) if the client offered one, else the token
 * entry itself, so that clients offering only `[token]` are accepted too.
 */
export function tokenOfUpgrade(queryToken: string | undefined, protocolHeader: string): UpgradeToken | null {
  const offered = protocolHeader
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const fromProtocol = offered.find((entry) => JWT.test(entry));
  const token = queryToken || fromProtocol;
  if (!token) return null;
  const protocol = offered.find((entry) => !JWT.test(entry)) ?? fromProtocol ?? '';
  return { token, protocol };
}

export class SocketAuthenticator {
  constructor(
    private readonly tokens: TokenIssuer,
    private readonly credentials: CredentialStore,
  ) {}

  /** The identity behind a token, or null when it is invalid, expired, revoked or deactivated. */
  async authenticate(token: string): Promise<SocketIdentity | null> {
    let claims;
    try {
      claims = await this.tokens.verifyAccessToken(token);
    } catch {
      return null;
    }
    const access = await this.credentials.accessOf(claims.sessionId, claims.userId);
    return access
      ? { userId: claims.userId, sessionId: claims.sessionId, role: access.role, permissions: access.permissions, expiresAt: claims.expiresAt }
      : null;
  }
}
