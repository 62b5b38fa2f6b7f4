/**
 * Fixed one-minute windows counted in PostgreSQL, so that every API node shares the same counts.
 * One upsert per attempt; old windows are swept now and then.
 */
import { sql } from 'kysely';
import type { ReadModelDb } from '../../projections/runtime/projection';
import type { RateLimiter } from '../../ports/identity.ports';
import './credentials.tables';

export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly db: ReadModelDb) {}

  async hit(key: string, limitPerMinute: number): Promise<number> {
    const { rows } = await sql<{ hits: number; retry_after: number }>`
      INSERT INTO rate_limit_windows (key, window_start, hits) VALUES (${key}, date_trunc('minute', now()), 1)
      ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
      RETURNING hits, ceil(extract(epoch FROM window_start + interval '1 minute' - now()))::int AS retry_after`.execute(this.db);
    if (Math.random() < 0.01) {
      await sql`DELETE FROM rate_limit_windows WHERE window_start < now() - interval '10 minutes'`.execute(this.db);
    }
    const row = rows[0]!;
    return Number(row.hits) > limitPerMinute ? Math.max(1, Number(row.retry_after)) : 0;
  }
}
