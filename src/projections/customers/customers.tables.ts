/**
 * Tables of the `customers` view: customers (with a text-search vector over name, company and
 * email), groups and their members, and the statistics the projector keeps as counters so that
 * nothing has to count rows, let alone read the log, to answer them.
 */
import { ColumnType, Kysely, sql } from 'kysely';
import type { CustomerAddress } from '../../domain/customers/customer.decider';

export interface CustomersTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  /** jsonb: written as JSON text, read as an object. */
  address: ColumnType<CustomerAddress | null, string | null, string | null>;
  status: string;
  tags: string[];
  owner_id: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  revision: number;
}

export interface CustomerGroupsTable {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  revision: number;
}

export interface CustomerGroupMembersTable {
  group_id: string;
  customer_id: string;
}

export interface CustomerStatusCountsTable {
  status: string;
  count: number;
}

export interface CustomerWeeklyCreatedTable {
  /** The Monday (UTC) that starts the week, as YYYY-MM-DD. */
  week: ColumnType<string, string, string>;
  count: number;
}

declare module '../runtime/database' {
  interface DB {
    customers: CustomersTable;
    customer_groups: CustomerGroupsTable;
    customer_group_members: CustomerGroupMembersTable;
    customer_status_counts: CustomerStatusCountsTable;
    customer_weekly_created: CustomerWeeklyCreatedTable;
  }
}

/** The text search configuration of the vector and of queries: no stemming, no stop words (names are not prose). */
export const CUSTOMER_SEARCH_CONFIG = 'simple';

export const customerTables = ['customers', 'customer_groups', 'customer_group_members', 'customer_status_counts', 'customer_weekly_created'] as const;

export async function createCustomerTables(db: Kysely<unknown>): Promise<void> {
  // Email punctuation becomes spaces, so that `jane`, `doe` and `example` each find jane.doe@example.com.
  await sql`
    CREATE TABLE customers (
      id          uuid PRIMARY KEY,
      name        text NOT NULL,
      email       text,
      phone       text,
      company     text,
      address     jsonb,
      status      text NOT NULL,
      tags        text[] NOT NULL DEFAULT '{}',
      owner_id    uuid,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL,
      deleted_at  timestamptz,
      revision    bigint NOT NULL,
      search      tsvector GENERATED ALWAYS AS (
        to_tsvector(${sql.lit(CUSTOMER_SEARCH_CONFIG)}, name || ' ' || coalesce(company, '') || ' ' || translate(coalesce(email, ''), '@.+_-', '     '))
      ) STORED
    )`.execute(db);
  // Every list reads the newest first and pages by (created_at, id); each filter has its index.
  await sql`CREATE INDEX customers_recent ON customers (created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX customers_status_recent ON customers (status, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX customers_owner_recent ON customers (owner_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX customers_tags ON customers USING gin (tags) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX customers_search ON customers USING gin (search) WHERE deleted_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE customer_groups (
      id            uuid PRIMARY KEY,
      name          text NOT NULL,
      description   text,
      member_count  int NOT NULL DEFAULT 0,
      created_at    timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL,
      deleted_at    timestamptz,
      revision      bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX customer_groups_name ON customer_groups (lower(name), id) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX customer_groups_size ON customer_groups (member_count DESC, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE customer_group_members (
      group_id     uuid NOT NULL,
      customer_id  uuid NOT NULL,
      PRIMARY KEY (group_id, customer_id)
    )`.execute(db);
  await sql`CREATE INDEX customer_group_members_customer ON customer_group_members (customer_id)`.execute(db);
  await sql`CREATE TABLE customer_status_counts (status text PRIMARY KEY, count bigint NOT NULL)`.execute(db);
  await sql`CREATE TABLE customer_weekly_created (week date PRIMARY KEY, count bigint NOT NULL)`.execute(db);
}
