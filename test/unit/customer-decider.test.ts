import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { CustomerEvent, CustomerFields, customerDecider } from '../../src/domain/customers/customer.decider';
import { fold } from '../../src/domain/decider';

const spec = deciderSpec(customerDecider);
const at = '2026-11-21T10:00:00.000Z';
const by = 'agent';
const customerId = 'c-1';
const fields: CustomerFields = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: null,
  company: 'Analytical Engines',
  address: { city: 'London' },
  status: 'active',
  tags: ['vip'],
  ownerId: null,
};
const created: CustomerEvent[] = [{ type: 'CustomerCreated', data: { customerId, ...fields, by, at } }];
const update = (data: { changes?: Partial<CustomerFields>; addTags?: string[]; removeTags?: string[]; expectedRevision?: number }) =>
  ({ type: 'UpdateCustomer', data: { customerId, changes: {}, ...data, by, at } }) as const;

describe('customer decider', () => {
  it('creates a customer, each tag once', () =>
    spec
      .given([])
      .when({ type: 'CreateCustomer', data: { customerId, fields: { ...fields, tags: ['vip', 'vip'] }, by, at } })
      .then(created));
  it('creates a customer once', () =>
    spec.given(created).when({ type: 'CreateCustomer', data: { customerId, fields, by, at } }).thenFails('CustomerIsCreatedOnce'));
  it('refuses more than 50 tags', () =>
    spec
      .given([])
      .when({ type: 'CreateCustomer', data: { customerId, fields: { ...fields, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, by, at } })
      .thenFails('CustomersCarryAtMost50Tags'));

  it('says what an update changed, one event per kind of change', () =>
    spec
      .given(created)
      .when(update({ changes: { ...fields, name: 'Ada King', status: 'blocked', ownerId: 'owner-1', tags: ['vip', 'new'] } }))
      .then([
        { type: 'CustomerProfileChanged', data: { customerId, changes: { name: 'Ada King' }, by, at } },
        { type: 'CustomerStatusChanged', data: { customerId, from: 'active', to: 'blocked', by, at } },
        { type: 'CustomerOwnerChanged', data: { customerId, from: null, to: 'owner-1', by, at } },
        { type: 'CustomerTagsChanged', data: { customerId, added: ['new'], removed: [], by, at } },
      ]));
  it('records nothing when an update changes nothing', () =>
    spec
      .given(created)
      .when(update({ changes: fields, addTags: ['vip'] }))
      .then([]));
  it('adds and removes tags, leaving the others', () =>
    spec
      .given(created)
      .when(update({ addTags: ['late'], removeTags: ['vip'] }))
      .then([{ type: 'CustomerTagsChanged', data: { customerId, added: ['late'], removed: ['vip'], by, at } }]));
  it('compares addresses by value', () =>
    spec
      .given(created)
      .when(update({ changes: { address: { city: 'London' } } }))
      .then([]));

  it('applies a change made against the current revision', () =>
    spec
      .given(created)
      .when(update({ changes: { name: 'Ada King' }, expectedRevision: 0 }))
      .then([{ type: 'CustomerProfileChanged', data: { customerId, changes: { name: 'Ada King' }, by, at } }]));
  it('refuses a change made against an older revision', () =>
    spec
      .given([...created, { type: 'CustomerStatusChanged', data: { customerId, from: 'active', to: 'inactive', by, at } }])
      .when(update({ changes: { name: 'Ada King' }, expectedRevision: 0 }))
      .thenFails('ChangesApplyToTheRevisionRead'));
  it('refuses a delete made against an older revision', () =>
    spec
      .given([...created, { type: 'CustomerTagsChanged', data: { customerId, added: ['x'], removed: [], by, at } }])
      .when({ type: 'DeleteCustomer', data: { customerId, expectedRevision: 0, by, at } })
      .thenFails('ChangesApplyToTheRevisionRead'));

  it('deletes softly: the customer then takes no command', () => {
    spec
      .given(created)
      .when({ type: 'DeleteCustomer', data: { customerId, by, at } })
      .then([{ type: 'CustomerDeleted', data: { customerId, by, at } }]);
    const deleted: CustomerEvent[] = [...created, { type: 'CustomerDeleted', data: { customerId, by, at } }];
    spec
      .given(deleted)
      .when(update({ changes: { name: 'x' } }))
      .thenFails('CustomersExistUntilDeleted');
    spec.given(deleted).when({ type: 'DeleteCustomer', data: { customerId, by, at } }).thenFails('CustomersExistUntilDeleted');
  });
  it('knows no customer before it is created', () =>
    spec
      .given([])
      .when(update({ changes: { name: 'x' } }))
      .thenFails('CustomersExistUntilDeleted'));

  it('folds the revision and the fields from the events', () => {
    const state = fold(customerDecider, [
      ...created,
      { type: 'CustomerProfileChanged', data: { customerId, changes: { email: null }, by, at } },
      { type: 'CustomerTagsChanged', data: { customerId, added: ['b'], removed: ['vip'], by, at } },
    ]);
    expect(state).toMatchObject({ phase: 'existing', revision: 2, customer: { email: null, tags: ['b'], name: 'Ada Lovelace' } });
  });
});
