/**
 * Schema of the PostgreSQL/PGlite event store.
 *
 * Gap-free `$all` without a global lock: an event's position is derived from the id of the
 * transaction that appends it, `position = xid8 × 4096 + index within the transaction`. Positions
 * therefore increase in transaction-id order, and a reader that only reads below the oldest
 * transaction still in flight (`pg_snapshot_xmin × 4096`) can never return an event while a
 * transaction that will commit a lower position is still open: that transaction's id, and so
 * every position it can write, is at or above the horizon. Appenders never wait for each other
 * (only for appends to the same stream), and the horizon is a range on the primary key.
 * Positions are sparse, not dense; they stay below 2^53 for the first 2^41 transactions.
 */
import { Kysely, Migration, sql } from 'kysely';

/** Events one transaction may append: positions of one transaction are xid8 × this + 0 … this − 1. */
export const EVENTS_PER_TRANSACTION = 4096;

export const eventStoreMigrations: Record<string, Migration> = {
  '0001_eventstore_events': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE events (
          position       bigint PRIMARY KEY,
          transaction_id xid8 NOT NULL,
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
          v_xid     xid8;
          v_base    bigint;
          v_offset  bigint;
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

          v_xid := pg_current_xact_id();
          v_base := v_xid::text::bigint * ${sql.lit(EVENTS_PER_TRANSACTION)};
          -- A transaction that appends twice continues after its own events.
          SELECT coalesce(max(e.position) - v_base + 1, 0) INTO v_offset FROM events e
            WHERE e.position >= v_base AND e.position < v_base + ${sql.lit(EVENTS_PER_TRANSACTION)};
          IF v_offset + v_count > ${sql.lit(EVENTS_PER_TRANSACTION)} THEN
            RAISE EXCEPTION 'a transaction appends at most % events', ${sql.lit(EVENTS_PER_TRANSACTION)}
              USING ERRCODE = 'program_limit_exceeded';
          END IF;
          RETURN QUERY
            INSERT INTO events AS e (position, transaction_id, id, stream, revision, type, data, metadata)
            SELECT v_base + v_offset + x.ordinality - 1, v_xid, (x.value->>'id')::uuid, p_stream,
                   coalesce(v_current, -1) + x.ordinality, x.value->>'type', x.value->'data', x.value->'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x
            RETURNING e.revision, e.position;
        END
        $fn$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP FUNCTION sb_append(text, text, jsonb)`.execute(db);
      await sql`DROP TABLE events`.execute(db);
    },
  },
  // The audit trail (EventStore.queryAll) filters $all by actor, type and time. Each index ends in
  // position where it can, so that "this actor's / this type's events after P, in order, first N"
  // is a range scan that stops after N rows instead of a sort. Time windows cannot be ordered by
  // position (recorded_at and position do not rise together), so that index only narrows.
  // Plain CREATE INDEX: Kysely runs pending migrations inside a transaction, where CONCURRENTLY is
  // refused; on a large existing log, build them CONCURRENTLY by hand first (IF NOT EXISTS skips).
  '0003_eventstore_audit_indexes': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE INDEX IF NOT EXISTS events_actor_position ON events ((metadata->>'actorId'), position)`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS events_type_position ON events (type, position)`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS events_recorded_at ON events (recorded_at)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`DROP INDEX IF EXISTS events_recorded_at`.execute(db);
      await sql`DROP INDEX IF EXISTS events_type_position`.execute(db);
      await sql`DROP INDEX IF EXISTS events_actor_position`.execute(db);
    },
  },
};
