/** Reads of the `roles` view: every role with what it may do now, and which users hold a permission. */
import { effectivePermissions } from '../../domain/identity/role.decider';
import { Permission, PERMISSIONS, ROLES, type Role } from '../../domain/identity/permissions';
import type { ReadModelDb } from '../runtime/projection';

export interface RoleView {
  name: Role;
  permissions: Permission[];
  /** False while the role holds its built-in defaults. */
  customized: boolean;
  revision: number | null;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function listRoles(db: ReadModelDb): Promise<RoleView[]> {
  const rows = new Map((await db.selectFrom('roles').selectAll().execute()).map((row) => [row.name, row]));
  return ROLES.map((name) => {
    const row = rows.get(name);
    const permissions = effectivePermissions(name, row?.permissions ?? null);
    return {
      name,
      permissions: PERMISSIONS.filter((p) => permissions.has(p)),
      customized: row !== undefined,
      revision: row ? Number(row.revision) : null,
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by ?? null,
    };
  });
}

/** Those of `userIds` who are active and whose role holds `permission` now: one query, any count. */
export async function activeUsersHolding(db: ReadModelDb, userIds: readonly string[], permission: Permission): Promise<Set<string>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Set();
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('roles as r', 'r.name', 'u.role')
    .select(['u.id', 'u.role', 'r.permissions'])
    .where('u.id', 'in', unique)
    .where('u.status', '=', 'active')
    .execute();
  return new Set(rows.filter((row) => effectivePermissions(row.role, row.permissions).has(permission)).map((row) => row.id));
}
