/** Tables of the auth adapter: the secrets that never enter the event log. */
import { Kysely, Migration, sql } from 'kysely';

export const credentialsMigrations: Record<string, Migration> = {
  '0100_credentials': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE credentials (
          user_id        uuid PRIMARY KEY,
          email          text NOT NULL,
          username       text NOT NULL,
          password_hash  text NOT NULL,
          failed_logins  int NOT NULL DEFAULT 0,
          locked_until   timestamptz,
          created_at     timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      // The reservation: a second registration of a name fails here, whatever the timing.
      await sql`CREATE UNIQUE INDEX credentials_email ON credentials (lower(email))`.execute(db);
      await sql`CREATE UNIQUE INDEX credentials_username ON credentials (lower(username))`.execute(db);
      await sql`
        CREATE TABLE auth_sessions (
          id             uuid PRIMARY KEY,
          user_id        uuid NOT NULL REFERENCES credentials (user_id),
          created_at     timestamptz NOT NULL DEFAULT now(),
          last_used_at   timestamptz NOT NULL DEFAULT now(),
          expires_at     timestamptz NOT NULL,
          revoked_at     timestamptz,
          revoked_reason text,
          user_agent     text,
          ip             text
        )`.execute(db);
      await sql`CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE revoked_at IS NULL`.execute(db);
      await sql`
        CREATE TABLE refresh_tokens (
          token_hash  text PRIMARY KEY,
          session_id  uuid NOT NULL REFERENCES auth_sessions (id),
          issued_at   timestamptz NOT NULL DEFAULT now(),
          expires_at  timestamptz NOT NULL,
          used_at     timestamptz
        )`.execute(db);
      await sql`CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)`.execute(db);
      await sql`
        CREATE TABLE rate_limit_windows (
          key           text NOT NULL,
          window_start  timestamptz NOT NULL,
          hits          int NOT NULL,
          PRIMARY KEY (key, window_start)
        )`.execute(db);
    },
  },
};
