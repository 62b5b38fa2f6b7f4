/**
 * The `customers` view: customers, groups and members, and the statistics counters, all in one
 * projection so that a batch moves rows and counters in one transaction. It takes whole batches:
 * runs of CustomerCreated become one multi-row INSERT and the counters one upsert per batch,
 * which is what lets 100,000 customers be projected (or rebuilt) in seconds.
 */
import { sql, Transaction } from 'kysely';
import { defineBatchProjection, dispatch, type HandlerTable, type ProjectionContext } from '../runtime/projection';
import type { DB } from '../runtime/database';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { CustomerEvent } from '../../domain/customers/customer.decider';
import type { CustomerGroupEvent } from '../../domain/customers/customer-group.decider';
import { createCustomerTables, customerTables } from './customers.tables';
import { CustomerStatisticsDelta } from './customer-statistics.delta';

type Event = CustomerEvent | CustomerGroupEvent;
type Of<T extends Event['type']> = RecordedEvent<Extract<Event, { type: T }>>;
type CustomerChange = RecordedEvent<CustomerEvent>;
type GroupChange = RecordedEvent<CustomerGroupEvent>;
/** How each event but CustomerCreated (inserted in runs, see applyBatch) changes the tables. */
type Appliers = HandlerTable<Exclude<Event, { type: 'CustomerCreated' }>, [trx: Transaction<DB>, statistics: CustomerStatisticsDelta]>;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

function customerRow(event: Of<'CustomerCreated'>) {
  const { data } = event;
  const at = new Date(data.at);
  return {
    id: data.customerId,
    name: data.name,
    email: data.email,
    phone: data.phone,
    company: data.company,
    address: json(data.address),
    status: data.status,
    tags: data.tags,
    owner_id: data.ownerId,
    created_at: at,
    updated_at: at,
    deleted_at: null,
    revision: event.revision,
  };
}

/** Every change of a customer row also moves its revision (the ETag) and update time. */
function touchCustomer(trx: Transaction<DB>, event: CustomerChange) {
  const { customerId, at } = event.data;
  return trx
    .updateTable('customers')
    .set({ updated_at: new Date(at), revision: event.revision })
    .where('id', '=', customerId);
}

function touchGroup(trx: Transaction<DB>, event: GroupChange) {
  const { groupId, at } = event.data;
  return trx
    .updateTable('customer_groups')
    .set({ updated_at: new Date(at), revision: event.revision })
    .where('id', '=', groupId);
}

const appliers: Appliers = {
  async CustomerProfileChanged(event, trx) {
    const { changes } = event.data;
    const { address, ...plain } = changes;
    await touchCustomer(trx, event)
      .set({ ...plain, ...(address !== undefined ? { address: json(address) } : {}) })
      .execute();
  },
  async CustomerStatusChanged(event, trx, statistics) {
    const { data } = event;
    await touchCustomer(trx, event).set({ status: data.to }).execute();
    statistics.statusChanged(data.from, data.to);
  },
  async CustomerOwnerChanged(event, trx) {
    const { data } = event;
    await touchCustomer(trx, event).set({ owner_id: data.to }).execute();
  },
  async CustomerTagsChanged(event, trx) {
    const { data } = event;
    // The decider's order: the tags kept, then the tags added.
    const tags = sql<string[]>`array_cat(ARRAY(SELECT t FROM unnest(tags) AS t WHERE NOT (t = ANY(${data.removed}::text[]))), ${data.added}::text[])`;
    await touchCustomer(trx, event).set({ tags }).execute();
  },
  async CustomerDeleted(event, trx, statistics) {
    const { data } = event;
    const row = await touchCustomer(trx, event)
      .set({ deleted_at: new Date(data.at) })
      .where('deleted_at', 'is', null)
      .returning('status')
      .executeTakeFirst();
    if (row) statistics.deleted(row.status);
    // A deleted customer leaves every group it was in.
    await sql`
      WITH gone AS (DELETE FROM customer_group_members WHERE customer_id = ${data.customerId} RETURNING group_id)
      UPDATE customer_groups g SET member_count = g.member_count - 1 FROM gone WHERE g.id = gone.group_id`.execute(trx);
  },
  async CustomerGroupCreated(event, trx) {
    const { data } = event;
    const at = new Date(data.at);
    await trx
      .insertInto('customer_groups')
      .values({
        id: data.groupId,
        name: data.name,
        description: data.description,
        member_count: 0,
        created_at: at,
        updated_at: at,
        deleted_at: null,
        revision: event.revision,
      })
      .execute();
  },
  async CustomerGroupChanged(event, trx) {
    const { changes } = event.data;
    await touchGroup(trx, event).set(changes).execute();
  },
  async CustomerGroupDeleted(event, trx) {
    const { data } = event;
    await trx.deleteFrom('customer_group_members').where('group_id', '=', data.groupId).execute();
    await touchGroup(trx, event)
      .set({ deleted_at: new Date(data.at), member_count: 0 })
      .execute();
  },
  async CustomersAddedToGroup(event, trx) {
    const { data } = event;
    // Only customers that exist (one deleted meanwhile is left out), each once.
    const added = await sql<{ customer_id: string }>`
      INSERT INTO customer_group_members (group_id, customer_id)
      SELECT ${data.groupId}, c.id FROM customers c WHERE c.id = ANY(${data.customerIds}::uuid[]) AND c.deleted_at IS NULL
      ON CONFLICT DO NOTHING
      RETURNING customer_id`.execute(trx);
    await touchGroup(trx, event)
      .set((eb) => ({ member_count: eb('member_count', '+', added.rows.length) }))
      .execute();
  },
  async CustomersRemovedFromGroup(event, trx) {
    const { data } = event;
    const removed = await trx
      .deleteFrom('customer_group_members')
      .where('group_id', '=', data.groupId)
      .where('customer_id', 'in', data.customerIds)
      .returning('customer_id')
      .execute();
    await touchGroup(trx, event)
      .set((eb) => ({ member_count: eb('member_count', '-', removed.length) }))
      .execute();
  },
};

async function applyBatch(events: readonly RecordedEvent<Event>[], { trx, notify }: ProjectionContext): Promise<void> {
  const statistics = new CustomerStatisticsDelta();
  let created: Of<'CustomerCreated'>[] = [];
  const insertCreated = async () => {
    if (created.length === 0) return;
    await trx.insertInto('customers').values(created.map(customerRow)).execute();
    created = [];
  };
  for (const event of events) {
    if (event.type === 'CustomerCreated') {
      created.push(event);
      statistics.created(event.data.status, event.data.at);
    } else {
      await insertCreated(); // rows first: what follows may change them
      await dispatch(appliers, event, trx, statistics);
    }
    notify({ key: 'groupId' in event.data ? event.data.groupId : event.data.customerId, type: event.type, data: event.data, position: event.position });
  }
  await insertCreated();
  await statistics.write(trx);
}

export const customersProjection = defineBatchProjection<Event>({
  name: 'customers',
  tables: customerTables,
  migrations: { '0820_customers': { up: createCustomerTables } },
  handles: {
    CustomerCreated: true,
    CustomerProfileChanged: true,
    CustomerStatusChanged: true,
    CustomerOwnerChanged: true,
    CustomerTagsChanged: true,
    CustomerDeleted: true,
    CustomerGroupCreated: true,
    CustomerGroupChanged: true,
    CustomerGroupDeleted: true,
    CustomersAddedToGroup: true,
    CustomersRemovedFromGroup: true,
  },
  handleBatch: applyBatch,
});
