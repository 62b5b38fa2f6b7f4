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
};
