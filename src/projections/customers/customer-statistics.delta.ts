/**
 * The statistics counters a batch of events moves: customers per status and customers created per
 * week. Collected in memory while the batch is applied, then written with one upsert per table,
 * in the batch's transaction (so they are exactly as current as the rows they count).
 */
import { sql, Transaction } from 'kysely';
import type { DB } from '../runtime/database';

export class CustomerStatisticsDelta {
  private readonly byStatus = new Map<string, number>();
  private readonly byWeek = new Map<string, number>();

  created(status: string, at: string): void {
    add(this.byStatus, status, 1);
    add(this.byWeek, weekOf(at), 1);
  }

  statusChanged(from: string, to: string): void {
    add(this.byStatus, from, -1);
    add(this.byStatus, to, 1);
  }

  deleted(status: string): void {
    add(this.byStatus, status, -1);
  }

  async write(trx: Transaction<DB>): Promise<void> {
    const statuses = nonZero(this.byStatus).map(([status, count]) => ({ status, count }));
    if (statuses.length > 0) {
      await trx
        .insertInto('customer_status_counts')
        .values(statuses)
        .onConflict((oc) => oc.column('status').doUpdateSet({ count: sql`customer_status_counts.count + excluded.count` }))
        .execute();
    }
    const weeks = nonZero(this.byWeek).map(([week, count]) => ({ week, count }));
    if (weeks.length > 0) {
      await trx
        .insertInto('customer_weekly_created')
        .values(weeks)
        .onConflict((oc) => oc.column('week').doUpdateSet({ count: sql`customer_weekly_created.count + excluded.count` }))
        .execute();
    }
  }
}

/** The Monday (UTC) starting the week of an instant, as YYYY-MM-DD: the key of the weekly counts. */
export function weekOf(at: string | Date): string {
  const date = new Date(at);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - sinceMonday)).toISOString().slice(0, 10);
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  counts.set(key, (counts.get(key) ?? 0) + delta);
}

const nonZero = (counts: Map<string, number>) => [...counts].filter(([, count]) => count !== 0);
