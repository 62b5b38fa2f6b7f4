/**
 * What the identity use cases need from the outside: password hashing, token issuing, and the
 * credentials store (hashes, sessions, refresh tokens: the secrets that never enter the log).
 */
import type { Permission, Role } from '../domain/identity/permissions';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a verification without a user, so unknown users and wrong passwords look alike. */
  verifyNothing(password: string): Promise<void>;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface TokenIssuer {
  issueAccessToken(claims: AccessClaims): Promise<{ token: string; expiresIn: number }>;
  verifyAccessToken(token: string): Promise<AccessClaims & { expiresAt: number }>;
  /** A new opaque refresh token and the hash under which it is stored. */
  newRefreshToken(): { token: string; hash: string };
  hashRefreshToken(token: string): string;
}

export interface StoredCredentials {
  userId: string;
  email: string;
  username: string;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: Date | null;
}

export type Reservation = 'reserved' | 'email-taken' | 'username-taken';

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export type RefreshOutcome =
  { kind: 'rotated'; userId: string; sessionId: string } | { kind: 'reused'; userId: string; sessionId: string } | { kind: 'invalid' };

export interface CredentialStore {
  /** Reserves email and username (case-insensitively) for a user, atomically; the unique index decides races. */
  reserve(input: { userId: string; email: string; username: string; passwordHash: string }): Promise<Reservation>;
  release(userId: string): Promise<void>;
  findByLogin(login: string): Promise<StoredCredentials | null>;
  findById(userId: string): Promise<StoredCredentials | null>;
  /** Counts a failed login; returns the consecutive failures so far. */
  recordFailure(userId: string): Promise<number>;
  lock(userId: string, until: Date): Promise<void>;
  recordSuccess(userId: string): Promise<void>;
  setPasswordHash(userId: string, hash: string): Promise<void>;

  createSession(session: { id: string; userId: string; expiresAt: Date; userAgent: string | null; ip: string | null; refreshTokenHash: string }): Promise<void>;
  /** Marks the token used and stores its successor in the same family, or tells why it cannot. */
  rotateRefreshToken(hash: string, successorHash: string, expiresAt: Date): Promise<RefreshOutcome>;
  findSessionByRefreshToken(hash: string): Promise<{ sessionId: string; userId: string } | null>;
  listSessions(userId: string): Promise<SessionRecord[]>;
  /** Revokes a session and every refresh token of its family; false when it was not live. */
  revokeSession(sessionId: string, reason: string): Promise<boolean>;
  /** Revokes the session only when it is the user's own and live; false otherwise. */
  revokeOwnSession(sessionId: string, userId: string, reason: string): Promise<boolean>;
  /** Revokes every live session of the user but `exceptSessionId`, at once; returns their ids. */
  revokeAllSessions(userId: string, reason: string, exceptSessionId?: string): Promise<string[]>;
  /**
   * The session is live and its user active: the check every authenticated request makes. Also
   * what the user's role may do now (from the roles view), so a role change counts at once.
   */
  accessOf(sessionId: string, userId: string): Promise<{ role: Role; permissions: ReadonlySet<Permission> } | null>;
}

export interface RateLimiter {
  /** Counts a hit; returns 0 when allowed, else the seconds until the window frees. */
  hit(key: string, limitPerMinute: number): Promise<number>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasher');
export const TOKEN_ISSUER = Symbol('TokenIssuer');
export const CREDENTIAL_STORE = Symbol('CredentialStore');
export const RATE_LIMITER = Symbol('RateLimiter');
