/**
 * Customer statistics, read from the counters the projector keeps (customers per status, created
 * per week) and from the groups' member counts: a few index reads, whatever the number of
 * customers, and never a scan of the log.
 */
import { sql } from 'kysely';
import { CUSTOMER_STATUSES } from '../../domain/customers/customer.decider';
import type { ReadModelDb } from '../runtime/projection';
import { weekOf } from './customer-statistics.delta';

const DAY_MS = 24 * 3600 * 1000;

export interface StatisticsQuery {
  /** Weeks of creations to report, ending with the current one. */
  weeks: number;
  /** The largest groups to list. */
  groups: number;
  now: Date;
}

export async function customerStatistics(db: ReadModelDb, query: StatisticsQuery) {
  const weekStarts = Array.from({ length: query.weeks }, (_, i) => weekOf(new Date(query.now.getTime() - (query.weeks - 1 - i) * 7 * DAY_MS)));
  const [statuses, weeks, groups, groupCount] = await Promise.all([
    db.selectFrom('customer_status_counts').select(['status', 'count']).execute(),
    db
      .selectFrom('customer_weekly_created')
      .select([sql<string>`week::text`.as('week'), 'count'])
      .where('week', '>=', weekStarts[0]!)
      .execute(),
    db
      .selectFrom('customer_groups')
      .select(['id', 'name', 'member_count'])
      .where('deleted_at', 'is', null)
      .orderBy('member_count', 'desc')
      .orderBy('id')
      .limit(query.groups)
      .execute(),
    db
      .selectFrom('customer_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  const byStatus = Object.fromEntries(CUSTOMER_STATUSES.map((status) => [status, 0])) as Record<string, number>;
  for (const row of statuses) byStatus[row.status] = Number(row.count);
  const createdByWeek = new Map(weeks.map((row) => [row.week, Number(row.count)]));
  return {
    total: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    byStatus,
    createdPerWeek: weekStarts.map((week) => ({ week, count: createdByWeek.get(week) ?? 0 })),
    groups: {
      total: Number(groupCount.n),
      largest: groups.map((g) => ({ id: g.id, name: g.name, size: Number(g.member_count) })),
    },
  };
}
