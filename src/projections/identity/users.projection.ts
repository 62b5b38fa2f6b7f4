/**
 * The `users` view: profiles for author lookups, and each account's role and status, which the
 * access check reads on every authenticated request.
 */
import { Kysely, sql } from 'kysely';
import { defineProjection } from '../runtime/projection';
import type { UserEvent } from '../../domain/identity/user.decider';
import type { Role } from '../../domain/identity/permissions';

export interface UsersTable {
  id: string;
  email: string;
  username: string;
  display_name: string;
  role: Role;
  status: 'active' | 'deactivated';
  created_at: Date;
  last_login_at: Date | null;
  locked_until: Date | null;
}

declare module '../runtime/database' {
  interface DB {
    users: UsersTable;
  }
}

export const usersProjection = defineProjection<UserEvent>({
  name: 'users',
  tables: ['users'],
  migrations: {
    '0200_users': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE users (
            id            uuid PRIMARY KEY,
            email         text NOT NULL,
            username      text NOT NULL,
            display_name  text NOT NULL,
            role          text NOT NULL,
            status        text NOT NULL,
            created_at    timestamptz NOT NULL,
            last_login_at timestamptz,
            locked_until  timestamptz
          )`.execute(db);
        await sql`CREATE INDEX users_username ON users (lower(username))`.execute(db);
      },
    },
  },
  handlers: {
    async UserRegistered(event, { trx, notify }) {
      const { data } = event;
      await trx
        .insertInto('users')
        .values({
          id: data.userId,
          email: data.email,
          username: data.username,
          display_name: data.displayName,
          role: data.role,
          status: 'active',
          created_at: new Date(data.at),
          last_login_at: null,
          locked_until: null,
        })
        .execute();
      notify({ key: data.userId, type: event.type, data: { username: data.username, displayName: data.displayName } });
    },
    async UserLoggedIn(event, { trx }) {
      const { data } = event;
      await trx
        .updateTable('users')
        .set({ last_login_at: new Date(data.at) })
        .where('id', '=', data.userId)
        .execute();
    },
    async UserLockedOut(event, { trx }) {
      const { data } = event;
      await trx
        .updateTable('users')
        .set({ locked_until: new Date(data.until) })
        .where('id', '=', data.userId)
        .execute();
    },
    async UserRoleChanged(event, { trx, notify }) {
      const { data } = event;
      await trx.updateTable('users').set({ role: data.to }).where('id', '=', data.userId).execute();
      notify({ key: data.userId, type: event.type, data: { role: data.to } });
    },
    async UserDeactivated(event, { trx, notify }) {
      const { data } = event;
      await trx.updateTable('users').set({ status: 'deactivated' }).where('id', '=', data.userId).execute();
      notify({ key: data.userId, type: event.type, data: {} });
    },
  },
});
