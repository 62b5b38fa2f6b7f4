/**
 * Opens the SQL database: PostgreSQL through `pg`, or PGlite on disk in embedded mode.
 * Both speak the same SQL through Kysely, so the event store and the projections have one code path.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { DB } from '../../projections/database';

export interface Database {
  db: Kysely<DB>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// int8 as JavaScript numbers: positions and revisions stay far below 2^53.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export function openPostgres(url: string, poolSize = 20): Database {
  const pool = new Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client's error is reported to whoever uses it next
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

export async function openPglite(dataDir: string | null): Promise<Database> {
  let pglite: PGlite;
  if (dataDir === null) {
    pglite = await PGlite.create();
  } else {
    const dir = resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}
