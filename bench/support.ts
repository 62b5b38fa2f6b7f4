/** Helpers shared by the benchmarks: an admin connection, fresh databases, percentiles, formatting. */
import { Client } from 'pg';
import type { Kysely } from 'kysely';
import type { DB } from '../src/projections/runtime/database';

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The migrator is typed for an untyped Kysely; the read-model database is the same database. */
export const untyped = (db: Kysely<DB>) => db as unknown as Kysely<unknown>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function summarize(values: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return { p50: percentile(list, 0.5), p99: percentile(list, 0.99), max: list[list.length - 1] ?? Number.NaN, n: list.length };
}

export const ms = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
export const rate = (value: number) => Math.round(value).toLocaleString('en-US');
export const passOrMiss = (ok: boolean) => (ok ? 'PASS' : 'MISS');
