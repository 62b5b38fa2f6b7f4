/**
 * Opens the SQL database: PostgreSQL through `pg`, or PGlite on disk in embedded mode.
 * Both speak the same SQL through Kysely, so the event store and the projections have one code path.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { DB } from '../../projections/runtime/database';

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
  // So is a lent client's (a rebuild holds one for its whole run): unheard, its 'error' would end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

export async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir === null) {
    const pglite = await PGlite.create();
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return { db, kind: 'pglite', close: () => db.destroy() };
  }
  const dir = resolve(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const releaseLock = lockDataDir(resolve(dataDir, 'pglite.lock'));
  try {
    const db = new Kysely<DB>({ dialect: new PGliteDialect(await PGlite.create(dir)) });
    return {
      db,
      kind: 'pglite',
      async close() {
        await db.destroy();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** PGlite is one process's database: a second process opening the same files would corrupt them. */
function lockDataDir(lockFile: string): () => void {
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(`${lockFile}: process ${holder} is using this embedded database; stop it first (or use DATABASE_URL)`, { cause: error });
      }
      rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
