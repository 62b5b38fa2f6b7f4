/**
 * Who owns a projection's rebuild: a session-level advisory lock, held for the whole rebuild. The
 * database drops it when the session ends, so a rebuild whose process died owns nothing any more,
 * whatever `status` it left behind: the next rebuild takes over, and live projectors see that no
 * one holds the lock (rebuildIsRunning) and go on.
 *
 * On PostgreSQL the lock lives on a connection kept out of the pool for the rebuild. PGlite has a
 * single session, which Kysely lends to one user at a time (holding it would starve the rebuild's
 * own queries), so there the lock is taken on that session between queries; the process owns the
 * database files (pglite.lock), so the lock ends with the process there too.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './database';
import type { ReadModelDb } from './projection';

export class RebuildInProgressError extends Error {
  override readonly name = 'RebuildInProgressError';
  constructor(readonly projection: string) {
    super(`projection ${projection} is being rebuilt already`);
  }
}

/** Key space of rebuild locks, pg_advisory_lock(REBUILD_LOCKS, hashtext(name)): apart from lockProjection's one-key locks. */
const REBUILD_LOCKS = 0x52424c44;

const heldByAnySession = (name: string) => sql<boolean>`EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objsubid = 2
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = ${REBUILD_LOCKS}::int4::oid AND objid = hashtext(${name})::oid)`;

/** Whether a rebuild is running for the projection, in this process or any other. */
export async function rebuildIsRunning(db: Kysely<DB> | Transaction<DB>, name: string): Promise<boolean> {
  const { rows } = await sql<{ running: boolean }>`SELECT ${heldByAnySession(name)} AS running`.execute(db);
  return rows[0]!.running;
}

/** Runs `rebuild` owning the projection's rebuild lock; RebuildInProgressError when someone holds it. */
export async function withRebuildLock<T>(db: ReadModelDb, name: string, rebuild: () => Promise<T>): Promise<T> {
  const owning = async (session: Kysely<DB>): Promise<T> => {
    // Checked first because a session may take its own advisory lock twice (PGlite's one session).
    const { rows } = await sql<{ locked: boolean }>`
      SELECT CASE WHEN ${heldByAnySession(name)} THEN false ELSE pg_try_advisory_lock(${REBUILD_LOCKS}::int4, hashtext(${name})) END AS locked`.execute(
      session,
    );
    if (!rows[0]!.locked) throw new RebuildInProgressError(name);
    try {
      return await rebuild();
    } finally {
      // A session that was lost has no lock left to release.
      await sql`SELECT pg_advisory_unlock(${REBUILD_LOCKS}::int4, hashtext(${name}))`.execute(session).catch(() => undefined);
    }
  };
  return (await isSingleSession(db)) ? owning(db) : db.connection().execute(owning);
}

const singleSession = new WeakMap<ReadModelDb, boolean>();

/** PGlite (PostgreSQL compiled to WebAssembly) has one session; a server has one per connection. */
async function isSingleSession(db: ReadModelDb): Promise<boolean> {
  let single = singleSession.get(db);
  if (single === undefined) {
    const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(db);
    single = /wasm|emscripten/i.test(rows[0]!.version);
    singleSession.set(db, single);
  }
  return single;
}
