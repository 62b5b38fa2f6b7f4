/** Engine tables of the read-model database. */
import { Kysely, Migration, sql } from 'kysely';

export const projectorMigrations: Record<string, Migration> = {
  '0002_projection_checkpoints': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE projection_checkpoints (
          name        text PRIMARY KEY,
          position    bigint NOT NULL DEFAULT 0,
          status      text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'rebuilding')),
          last_error  text,
          updated_at  timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      await sql`
        CREATE TABLE relay_checkpoints (
          name        text PRIMARY KEY,
          position    bigint NOT NULL,
          updated_at  timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP TABLE relay_checkpoints`.execute(db);
      await sql`DROP TABLE projection_checkpoints`.execute(db);
    },
  },
  // A projector that keeps failing on one event parks it here, in the transaction that moves its
  // checkpoint past it; `failing_since` is set while it retries, cleared when it advances again.
  '0005_projection_failures': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE projection_checkpoints ADD COLUMN last_error_at timestamptz, ADD COLUMN failing_since timestamptz`.execute(db);
      await sql`
        CREATE TABLE projection_parked_events (
          projection  text NOT NULL,
          position    bigint NOT NULL,
          event_id    uuid NOT NULL,
          stream      text NOT NULL,
          event_type  text NOT NULL,
          error       text NOT NULL,
          attempts    int NOT NULL,
          parked_at   timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (projection, position)
        )`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP TABLE projection_parked_events`.execute(db);
      await sql`ALTER TABLE projection_checkpoints DROP COLUMN failing_since, DROP COLUMN last_error_at`.execute(db);
    },
  },
};
