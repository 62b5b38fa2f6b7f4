/**
 * A customer group (`customergroup-<id>` streams): a named set of customers. Which customers exist
 * is known outside this stream, so the command handler says which of the named ones do not, and
 * this decider refuses them. Deleting is soft, like a customer's.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { illegalState, invalid, notFound } from '../errors';
import { requireRevision } from './expected-revision';

export const customerGroupStream = (groupId: string) => `customergroup-${groupId}`;

// Types rather than interfaces: event data must be a plain record.
export type CustomerGroupDetails = {
  name: string;
  description: string | null;
};

type Change = {
  groupId: string;
  by: string;
  at: string;
};

export type CustomerGroupCommand =
  | { type: 'CreateCustomerGroup'; data: Change & CustomerGroupDetails }
  | { type: 'UpdateCustomerGroup'; data: Change & { changes: Partial<CustomerGroupDetails>; expectedRevision?: number } }
  | { type: 'DeleteCustomerGroup'; data: Change & { expectedRevision?: number } }
  | { type: 'AddCustomersToGroup'; data: Change & { customerIds: readonly string[]; unknownCustomerIds: readonly string[] } }
  | { type: 'RemoveCustomersFromGroup'; data: Change & { customerIds: readonly string[] } };

export type CustomerGroupEvent =
  | { type: 'CustomerGroupCreated'; data: Change & CustomerGroupDetails }
  | { type: 'CustomerGroupChanged'; data: Change & { changes: Partial<CustomerGroupDetails> } }
  | { type: 'CustomerGroupDeleted'; data: Change }
  | { type: 'CustomersAddedToGroup'; data: Change & { customerIds: string[] } }
  | { type: 'CustomersRemovedFromGroup'; data: Change & { customerIds: string[] } };

export type CustomerGroupState =
  { phase: 'none'; revision: -1 } | { phase: 'existing' | 'deleted'; revision: number; details: CustomerGroupDetails; members: ReadonlySet<string> };

export const customerGroupDecider: Decider<CustomerGroupCommand, CustomerGroupEvent, CustomerGroupState> = {
  eventTypes: eventTypes<CustomerGroupEvent>({
    CustomerGroupCreated: true,
    CustomerGroupChanged: true,
    CustomerGroupDeleted: true,
    CustomersAddedToGroup: true,
    CustomersRemovedFromGroup: true,
  }),
  initialState: () => ({ phase: 'none', revision: -1 }),

  evolve(state, event) {
    const revision = state.revision + 1;
    if (event.type === 'CustomerGroupCreated') {
      return { phase: 'existing', revision, details: { name: event.data.name, description: event.data.description }, members: new Set() };
    }
    if (state.phase === 'none') return state;
    switch (event.type) {
      case 'CustomerGroupChanged':
        return { ...state, revision, details: { ...state.details, ...event.data.changes } };
      case 'CustomerGroupDeleted':
        return { ...state, phase: 'deleted', revision };
      case 'CustomersAddedToGroup':
        return { ...state, revision, members: new Set([...state.members, ...event.data.customerIds]) };
      case 'CustomersRemovedFromGroup': {
        const removed = new Set(event.data.customerIds);
        return { ...state, revision, members: new Set([...state.members].filter((id) => !removed.has(id))) };
      }
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { groupId, by, at } = command.data;
    if (command.type === 'CreateCustomerGroup') {
      if (state.phase !== 'none') throw illegalState('CustomerGroupIsCreatedOnce', 'the group exists already');
      return [{ type: 'CustomerGroupCreated', data: { groupId, name: command.data.name, description: command.data.description, by, at } }];
    }
    if (state.phase !== 'existing') throw notFound('CustomerGroupsExistUntilDeleted', 'no such customer group');
    switch (command.type) {
      case 'UpdateCustomerGroup': {
        requireRevision(state.revision, command.data.expectedRevision);
        const changes = Object.fromEntries(
          Object.entries(command.data.changes).filter(([field, value]) => value !== undefined && value !== state.details[field as keyof CustomerGroupDetails]),
        );
        return Object.keys(changes).length > 0 ? [{ type: 'CustomerGroupChanged', data: { groupId, changes, by, at } }] : [];
      }
      case 'DeleteCustomerGroup':
        requireRevision(state.revision, command.data.expectedRevision);
        return [{ type: 'CustomerGroupDeleted', data: { groupId, by, at } }];
      case 'AddCustomersToGroup': {
        if (command.data.unknownCustomerIds.length > 0) {
          throw invalid('GroupMembersAreExistingCustomers', `no such customers: ${command.data.unknownCustomerIds.join(', ')}`);
        }
        const customerIds = [...new Set(command.data.customerIds)].filter((id) => !state.members.has(id));
        return customerIds.length > 0 ? [{ type: 'CustomersAddedToGroup', data: { groupId, customerIds, by, at } }] : [];
      }
      case 'RemoveCustomersFromGroup': {
        const customerIds = [...new Set(command.data.customerIds)].filter((id) => state.members.has(id));
        return customerIds.length > 0 ? [{ type: 'CustomersRemovedFromGroup', data: { groupId, customerIds, by, at } }] : [];
      }
      default:
        return assertNever(command);
    }
  },
};
