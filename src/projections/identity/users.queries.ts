/** Reads of the `users` view: one profile, or many at once for embedding authors (one query, any count). */
import type { ReadModelDb } from '../runtime/projection';

export interface UserProfile {
  id: string;
  username: string;
  displayName: string;
  role: string;
}

export interface UserAccount extends UserProfile {
  email: string;
  status: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export async function findAccount(db: ReadModelDb, userId: string): Promise<UserAccount | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row
    ? {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        role: row.role,
        email: row.email,
        status: row.status,
        createdAt: row.created_at,
        lastLoginAt: row.last_login_at,
      }
    : null;
}

export async function profilesByIds(db: ReadModelDb, ids: readonly string[]): Promise<Map<string, UserProfile>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, username: r.username, displayName: r.display_name, role: r.role }]));
}
