/**
 * Schema of the PostgreSQL/PGlite event store.
 *
 * Gap-free `$all`: a reader only returns events whose transaction id is older than every
 * transaction still in flight (`pg_snapshot_xmin`). That alone is not enough when positions
 * and transaction ids are taken in different orders by two appenders, so `sb_append` takes
 * both (xid assignment and sequence values) inside one short session-level advisory lock,
 * released before COMMIT so that commits still overlap (group commit). Among appenders the
 * order of transaction ids is then the order of positions, and an in-flight append can never
 * hold a position lower than one a reader has already returned.
 */
import { Kysely, Migration, sql } from 'kysely';

/** Key of the advisory lock that orders position allocation; any constant distinct from others. */
export const POSITION_LOCK_KEY = 0x5342_0001;

export const eventStoreMigrations: Record<string, Migration> = {
  '0001_eventstore_events': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE events (
          position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
          id             uuid NOT NULL UNIQUE,
          stream         text NOT NULL,
          revision       bigint NOT NULL,
          type           text NOT NULL,
          data           jsonb NOT NULL,
          metadata       jsonb NOT NULL,
          recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
          CONSTRAINT events_stream_revision UNIQUE (stream, revision)
        )`.execute(db);
      await sql`
        CREATE FUNCTION sb_append(p_stream text, p_expected text, p_events jsonb)
        RETURNS TABLE (revision bigint, "position" bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE
          v_count   int := jsonb_array_length(p_events);
          v_current bigint;
          v_found   record;
        BEGIN
          -- Appends to one stream queue here until the previous one commits, so the revision
          -- check below is exact and the unique index never makes us wait under the global lock.
          PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));

          SELECT e.stream, e.revision INTO v_found FROM events e WHERE e.id = (p_events->0->>'id')::uuid;
          IF FOUND THEN
            IF v_found.stream <> p_stream THEN
              RAISE EXCEPTION 'event % already belongs to stream %', p_events->0->>'id', v_found.stream
                USING ERRCODE = 'unique_violation';
            END IF;
            -- Idempotent append: the batch is already there; answer what the first append answered.
            RETURN QUERY SELECT e.revision, e.position FROM events e
              WHERE e.stream = p_stream AND e.revision = v_found.revision + v_count - 1;
            RETURN;
          END IF;

          SELECT max(e.revision) INTO v_current FROM events e WHERE e.stream = p_stream;
          IF (p_expected = 'no_stream' AND v_current IS NOT NULL)
             OR (p_expected = 'stream_exists' AND v_current IS NULL)
             OR (p_expected NOT IN ('no_stream', 'stream_exists', 'any')
                 AND v_current IS DISTINCT FROM p_expected::bigint) THEN
            RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'SB409',
              DETAIL = coalesce(v_current::text, 'no_stream');
          END IF;

          PERFORM pg_advisory_lock(${sql.lit(POSITION_LOCK_KEY)});
          RETURN QUERY
            INSERT INTO events AS e (id, stream, revision, type, data, metadata)
            SELECT (x.value->>'id')::uuid, p_stream, coalesce(v_current, -1) + x.ordinality,
                   x.value->>'type', x.value->'data', x.value->'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x
            ORDER BY x.ordinality
            RETURNING e.revision, e.position;
          PERFORM pg_advisory_unlock(${sql.lit(POSITION_LOCK_KEY)});
        END
        $fn$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP FUNCTION sb_append(text, text, jsonb)`.execute(db);
      await sql`DROP TABLE events`.execute(db);
    },
  },
};
