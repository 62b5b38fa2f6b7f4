/**
 * The `roles` view: the permissions of each role an admin has changed. A role without a row holds
 * its built-in defaults (see effectivePermissions), so an empty table is a fresh install, and a
 * rebuild needs nothing but the log. The access check reads this on every request.
 */
import { Kysely, sql } from 'kysely';
import { defineProjection } from '../runtime/projection';
import type { RoleEvent } from '../../domain/identity/role.decider';
import type { Role } from '../../domain/identity/permissions';

export interface RolesTable {
  name: Role;
  permissions: string[];
  revision: number;
  updated_at: Date;
  updated_by: string;
}

declare module '../runtime/database' {
  interface DB {
    roles: RolesTable;
  }
}

export const rolesProjection = defineProjection<RoleEvent>({
  name: 'roles',
  tables: ['roles'],
  migrations: {
    '0800_roles': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE roles (
            name        text PRIMARY KEY,
            permissions text[] NOT NULL,
            revision    bigint NOT NULL,
            updated_at  timestamptz NOT NULL,
            updated_by  uuid NOT NULL
          )`.execute(db);
      },
    },
  },
  handlers: {
    async RolePermissionsChanged(event, { trx, notify }) {
      const { data } = event;
      const row = { permissions: data.permissions, revision: event.revision, updated_at: new Date(data.at), updated_by: data.by };
      await trx
        .insertInto('roles')
        .values({ name: data.role, ...row })
        .onConflict((oc) => oc.column('name').doUpdateSet(row))
        .execute();
      notify({ key: data.role, type: event.type, data: { granted: data.granted, revoked: data.revoked } });
    },
  },
});
