/** The credentials store on PostgreSQL/PGlite: password hashes, sessions and refresh token families. */
import { sql } from 'kysely';
import type { ReadModelDb } from '../../projections/runtime/projection';
import type { Permission, Role } from '../../domain/identity/permissions';
import { effectivePermissions } from '../../domain/identity/role.decider';
import type { CredentialStore, RefreshOutcome, Reservation, SessionRecord, StoredCredentials } from '../../ports/identity.ports';
import './credentials.tables';

const UNIQUE_VIOLATION = '23505';

export class PostgresCredentialStore implements CredentialStore {
  constructor(private readonly db: ReadModelDb) {}

  async reserve(input: { userId: string; email: string; username: string; passwordHash: string }): Promise<Reservation> {
    try {
      await this.db
        .insertInto('credentials')
        .values({ user_id: input.userId, email: input.email, username: input.username, password_hash: input.passwordHash, locked_until: null })
        .execute();
      return 'reserved';
    } catch (error) {
      const pg = error as { code?: string; constraint?: string; message?: string };
      if (pg.code !== UNIQUE_VIOLATION) throw error;
      const which = pg.constraint ?? pg.message ?? '';
      return which.includes('email') ? 'email-taken' : 'username-taken';
    }
  }

  async release(userId: string): Promise<void> {
    await this.db.deleteFrom('credentials').where('user_id', '=', userId).execute();
  }

  async findByLogin(login: string): Promise<StoredCredentials | null> {
    const row = await this.db
      .selectFrom('credentials')
      .selectAll()
      .where((eb) => eb.or([eb(sql`lower(email)`, '=', login.toLowerCase()), eb(sql`lower(username)`, '=', login.toLowerCase())]))
      .executeTakeFirst();
    return row ? toCredentials(row) : null;
  }

  async findById(userId: string): Promise<StoredCredentials | null> {
    const row = await this.db.selectFrom('credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toCredentials(row) : null;
  }

  async recordFailure(userId: string): Promise<number> {
    const row = await this.db
      .updateTable('credentials')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('user_id', '=', userId)
      .returning('failed_logins')
      .executeTakeFirst();
    return row?.failed_logins ?? 0;
  }

  async lock(userId: string, until: Date): Promise<void> {
    await this.db.updateTable('credentials').set({ locked_until: until, failed_logins: 0 }).where('user_id', '=', userId).execute();
  }

  async recordSuccess(userId: string): Promise<void> {
    await this.db.updateTable('credentials').set({ failed_logins: 0, locked_until: null }).where('user_id', '=', userId).execute();
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    await this.db.updateTable('credentials').set({ password_hash: hash }).where('user_id', '=', userId).execute();
  }

  async createSession(session: {
    id: string;
    userId: string;
    expiresAt: Date;
    userAgent: string | null;
    ip: string | null;
    refreshTokenHash: string;
  }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('auth_sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          expires_at: session.expiresAt,
          revoked_at: null,
          revoked_reason: null,
          user_agent: session.userAgent,
          ip: session.ip,
        })
        .execute();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: session.refreshTokenHash, session_id: session.id, expires_at: session.expiresAt, used_at: null })
        .execute();
    });
  }

  async rotateRefreshToken(hash: string, successorHash: string, expiresAt: Date): Promise<RefreshOutcome> {
    return this.db.transaction().execute(async (trx) => {
      // Exactly one presentation of a token can use it: the row's update decides concurrent ones.
      const used = await trx
        .updateTable('refresh_tokens as t')
        .set({ used_at: sql`now()` })
        .from('auth_sessions as s')
        .whereRef('s.id', '=', 't.session_id')
        .where('t.token_hash', '=', hash)
        .where('t.used_at', 'is', null)
        .where('t.expires_at', '>', sql<Date>`now()`)
        .where('s.revoked_at', 'is', null)
        .returning(['s.id as sessionId', 's.user_id as userId'])
        .executeTakeFirst();
      if (used) {
        await trx
          .insertInto('refresh_tokens')
          .values({ token_hash: successorHash, session_id: used.sessionId, expires_at: expiresAt, used_at: null })
          .execute();
        await trx
          .updateTable('auth_sessions')
          .set({ last_used_at: sql`now()`, expires_at: expiresAt })
          .where('id', '=', used.sessionId)
          .execute();
        return { kind: 'rotated', userId: used.userId, sessionId: used.sessionId } as const;
      }
      const known = await trx
        .selectFrom('refresh_tokens as t')
        .innerJoin('auth_sessions as s', 's.id', 't.session_id')
        .select(['t.used_at', 's.id as sessionId', 's.user_id as userId'])
        .where('t.token_hash', '=', hash)
        .executeTakeFirst();
      if (known?.used_at) return { kind: 'reused', userId: known.userId, sessionId: known.sessionId } as const;
      return { kind: 'invalid' } as const;
    });
  }

  async findSessionByRefreshToken(hash: string): Promise<{ sessionId: string; userId: string } | null> {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('auth_sessions as s', 's.id', 't.session_id')
      .select(['s.id as sessionId', 's.user_id as userId'])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
    return row ?? null;
  }

  async listSessions(userId: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('auth_sessions')
      .select(['id', 'user_id', 'created_at', 'last_used_at', 'expires_at', 'user_agent', 'ip'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .orderBy('last_used_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      userAgent: r.user_agent,
      ip: r.ip,
    }));
  }

  async revokeSession(sessionId: string, reason: string): Promise<boolean> {
    return this.revokeLive(sessionId, reason);
  }

  async revokeOwnSession(sessionId: string, userId: string, reason: string): Promise<boolean> {
    return this.revokeLive(sessionId, reason, userId);
  }

  private async revokeLive(sessionId: string, reason: string, ownerId?: string): Promise<boolean> {
    let revoke = this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null);
    // A user revokes only what listSessions shows them: their own sessions, not yet expired.
    if (ownerId) revoke = revoke.where('user_id', '=', ownerId).where('expires_at', '>', sql<Date>`now()`);
    const revoked = await revoke.executeTakeFirst();
    return Number(revoked.numUpdatedRows) > 0;
  }

  async revokeAllSessions(userId: string, reason: string, exceptSessionId?: string): Promise<string[]> {
    let revoke = this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptSessionId) revoke = revoke.where('id', '!=', exceptSessionId);
    const rows = await revoke.returning('id').execute();
    return rows.map((r) => r.id);
  }

  async accessOf(sessionId: string, userId: string): Promise<{ role: Role; permissions: ReadonlySet<Permission> } | null> {
    const row = await this.db
      .selectFrom('auth_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('roles as r', 'r.name', 'u.role')
      .select(['u.role', 'r.permissions'])
      .where('s.id', '=', sessionId)
      .where('s.user_id', '=', userId)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', sql<Date>`now()`)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    return row ? { role: row.role, permissions: effectivePermissions(row.role, row.permissions) } : null;
  }
}

function toCredentials(row: {
  user_id: string;
  email: string;
  username: string;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
}): StoredCredentials {
  return {
    userId: row.user_id,
    email: row.email,
    username: row.username,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
  };
}
