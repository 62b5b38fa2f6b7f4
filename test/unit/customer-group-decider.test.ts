import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { CustomerGroupEvent, customerGroupDecider } from '../../src/domain/customers/customer-group.decider';

const spec = deciderSpec(customerGroupDecider);
const at = '2026-11-21T10:00:00.000Z';
const by = 'agent';
const groupId = 'g-1';
const created: CustomerGroupEvent[] = [{ type: 'CustomerGroupCreated', data: { groupId, name: 'Premium', description: null, by, at } }];
const withMembers: CustomerGroupEvent[] = [...created, { type: 'CustomersAddedToGroup', data: { groupId, customerIds: ['a', 'b'], by, at } }];

describe('customer group decider', () => {
  it('creates a group once', () => {
    spec
      .given([])
      .when({ type: 'CreateCustomerGroup', data: { groupId, name: 'Premium', description: null, by, at } })
      .then(created);
    spec
      .given(created)
      .when({ type: 'CreateCustomerGroup', data: { groupId, name: 'Again', description: null, by, at } })
      .thenFails('CustomerGroupIsCreatedOnce');
  });

  it('records only what an update changes', () => {
    spec
      .given(created)
      .when({ type: 'UpdateCustomerGroup', data: { groupId, changes: { name: 'Premium', description: 'Paying more' }, by, at } })
      .then([{ type: 'CustomerGroupChanged', data: { groupId, changes: { description: 'Paying more' }, by, at } }]);
    spec
      .given(created)
      .when({ type: 'UpdateCustomerGroup', data: { groupId, changes: { name: 'Premium', description: null }, by, at } })
      .then([]);
  });

  it('refuses changes made against an older revision', () => {
    spec
      .given(withMembers)
      .when({ type: 'UpdateCustomerGroup', data: { groupId, changes: { name: 'x' }, expectedRevision: 0, by, at } })
      .thenFails('ChangesApplyToTheRevisionRead');
    spec
      .given(withMembers)
      .when({ type: 'DeleteCustomerGroup', data: { groupId, expectedRevision: 0, by, at } })
      .thenFails('ChangesApplyToTheRevisionRead');
    spec
      .given(withMembers)
      .when({ type: 'DeleteCustomerGroup', data: { groupId, expectedRevision: 1, by, at } })
      .then([{ type: 'CustomerGroupDeleted', data: { groupId, by, at } }]);
  });

  it('adds customers not yet members, each once, and refuses customers that do not exist', () => {
    spec
      .given(withMembers)
      .when({ type: 'AddCustomersToGroup', data: { groupId, customerIds: ['b', 'c', 'c'], unknownCustomerIds: [], by, at } })
      .then([{ type: 'CustomersAddedToGroup', data: { groupId, customerIds: ['c'], by, at } }]);
    spec
      .given(withMembers)
      .when({ type: 'AddCustomersToGroup', data: { groupId, customerIds: ['a'], unknownCustomerIds: [], by, at } })
      .then([]);
    spec
      .given(created)
      .when({ type: 'AddCustomersToGroup', data: { groupId, customerIds: ['a', 'x'], unknownCustomerIds: ['x'], by, at } })
      .thenFails('GroupMembersAreExistingCustomers');
  });

  it('removes only members', () => {
    spec
      .given(withMembers)
      .when({ type: 'RemoveCustomersFromGroup', data: { groupId, customerIds: ['a', 'z'], by, at } })
      .then([{ type: 'CustomersRemovedFromGroup', data: { groupId, customerIds: ['a'], by, at } }]);
    spec
      .given(withMembers)
      .when({ type: 'RemoveCustomersFromGroup', data: { groupId, customerIds: ['z'], by, at } })
      .then([]);
  });

  it('takes no command once deleted, nor before it is created', () => {
    const deleted: CustomerGroupEvent[] = [...created, { type: 'CustomerGroupDeleted', data: { groupId, by, at } }];
    spec
      .given(deleted)
      .when({ type: 'AddCustomersToGroup', data: { groupId, customerIds: ['a'], unknownCustomerIds: [], by, at } })
      .thenFails('CustomerGroupsExistUntilDeleted');
    spec.given([]).when({ type: 'DeleteCustomerGroup', data: { groupId, by, at } }).thenFails('CustomerGroupsExistUntilDeleted');
  });
});
