/**
 * A customer (`customer-<id>` streams): the person or organisation support serves, with a status,
 * free-form tags and an owner on the staff. Deleting is soft: the stream keeps the history, the
 * customer stops existing for every command. Each change names what it changed, so read models
 * (statistics among them) follow deltas instead of re-reading.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { illegalState, invalid, notFound } from '../errors';
import { requireRevision } from './expected-revision';

export const customerStream = (customerId: string) => `customer-${customerId}`;

export const CUSTOMER_STATUSES = ['active', 'inactive', 'blocked'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const MAX_CUSTOMER_TAGS = 50;

// Types rather than interfaces throughout: event data must be a plain record.
export type CustomerAddress = {
  line1?: string;
  line2?: string;
  city?: string;
  postalCode?: string;
  region?: string;
  country?: string;
};

export type CustomerProfile = {
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  address: CustomerAddress | null;
};

export type CustomerFields = CustomerProfile & {
  status: CustomerStatus;
  tags: string[];
  /** A staff user; that they are staff is checked where users are known (the command handler). */
  ownerId: string | null;
};

const PROFILE_FIELDS = ['name', 'email', 'phone', 'company', 'address'] as const satisfies readonly (keyof CustomerProfile)[];

type Change = {
  customerId: string;
  by: string;
  at: string;
};

export type CustomerCommand =
  | { type: 'CreateCustomer'; data: Change & { fields: CustomerFields } }
  | {
      type: 'UpdateCustomer';
      /** `changes` replaces the fields it names; `addTags`/`removeTags` edit the tags it leaves alone. */
      data: Change & { changes: Partial<CustomerFields>; addTags?: readonly string[]; removeTags?: readonly string[]; expectedRevision?: number };
    }
  | { type: 'DeleteCustomer'; data: Change & { expectedRevision?: number } };

export type CustomerEvent =
  | { type: 'CustomerCreated'; data: Change & CustomerFields }
  | { type: 'CustomerProfileChanged'; data: Change & { changes: Partial<CustomerProfile> } }
  | { type: 'CustomerStatusChanged'; data: Change & { from: CustomerStatus; to: CustomerStatus } }
  | { type: 'CustomerOwnerChanged'; data: Change & { from: string | null; to: string | null } }
  | { type: 'CustomerTagsChanged'; data: Change & { added: string[]; removed: string[] } }
  | { type: 'CustomerDeleted'; data: Change };

/** `revision` is that of the stream's last event (-1 before the first), for If-Match. */
export type CustomerState = { phase: 'none'; revision: -1 } | { phase: 'existing' | 'deleted'; revision: number; customer: CustomerFields };

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  eventTypes: eventTypes<CustomerEvent>({
    CustomerCreated: true,
    CustomerProfileChanged: true,
    CustomerStatusChanged: true,
    CustomerOwnerChanged: true,
    CustomerTagsChanged: true,
    CustomerDeleted: true,
  }),
  initialState: () => ({ phase: 'none', revision: -1 }),

  evolve(state, event) {
    const revision = state.revision + 1;
    if (event.type === 'CustomerCreated') {
      const { customerId: _, by: __, at: ___, ...customer } = event.data;
      return { phase: 'existing', revision, customer };
    }
    if (state.phase === 'none') return state;
    const { customer } = state;
    switch (event.type) {
      case 'CustomerProfileChanged':
        return { ...state, revision, customer: { ...customer, ...event.data.changes } };
      case 'CustomerStatusChanged':
        return { ...state, revision, customer: { ...customer, status: event.data.to } };
      case 'CustomerOwnerChanged':
        return { ...state, revision, customer: { ...customer, ownerId: event.data.to } };
      case 'CustomerTagsChanged':
        return { ...state, revision, customer: { ...customer, tags: [...customer.tags.filter((t) => !event.data.removed.includes(t)), ...event.data.added] } };
      case 'CustomerDeleted':
        return { ...state, phase: 'deleted', revision };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { customerId, by, at } = command.data;
    if (command.type === 'CreateCustomer') {
      if (state.phase !== 'none') throw illegalState('CustomerIsCreatedOnce', 'the customer exists already');
      const tags = [...new Set(command.data.fields.tags)];
      requireFewTags(tags);
      return [{ type: 'CustomerCreated', data: { customerId, ...command.data.fields, tags, by, at } }];
    }
    if (state.phase !== 'existing') throw notFound('CustomersExistUntilDeleted', 'no such customer');
    requireRevision(state.revision, command.data.expectedRevision);
    switch (command.type) {
      case 'UpdateCustomer':
        return changesOf(state.customer, command.data);
      case 'DeleteCustomer':
        return [{ type: 'CustomerDeleted', data: { customerId, by, at } }];
      default:
        return assertNever(command);
    }
  },
};

function changesOf(customer: CustomerFields, data: Extract<CustomerCommand, { type: 'UpdateCustomer' }>['data']): CustomerEvent[] {
  const { customerId, by, at, changes } = data;
  const events: CustomerEvent[] = [];
  const profile: Partial<CustomerProfile> = {};
  for (const field of PROFILE_FIELDS) {
    const value = changes[field];
    if (value !== undefined && !sameValue(value, customer[field])) Object.assign(profile, { [field]: value });
  }
  if (Object.keys(profile).length > 0) events.push({ type: 'CustomerProfileChanged', data: { customerId, changes: profile, by, at } });
  if (changes.status !== undefined && changes.status !== customer.status) {
    events.push({ type: 'CustomerStatusChanged', data: { customerId, from: customer.status, to: changes.status, by, at } });
  }
  if (changes.ownerId !== undefined && changes.ownerId !== customer.ownerId) {
    events.push({ type: 'CustomerOwnerChanged', data: { customerId, from: customer.ownerId, to: changes.ownerId, by, at } });
  }
  const remove = new Set(data.removeTags ?? []);
  const tags = new Set([...(changes.tags ?? customer.tags), ...(data.addTags ?? [])].filter((t) => !remove.has(t)));
  requireFewTags([...tags]);
  const added = [...tags].filter((t) => !customer.tags.includes(t));
  const removed = customer.tags.filter((t) => !tags.has(t));
  if (added.length + removed.length > 0) events.push({ type: 'CustomerTagsChanged', data: { customerId, added, removed, by, at } });
  return events;
}

function requireFewTags(tags: readonly string[]): void {
  if (tags.length > MAX_CUSTOMER_TAGS) throw invalid('CustomersCarryAtMost50Tags', `a customer carries at most ${MAX_CUSTOMER_TAGS} tags`);
}

/** Field values are strings, null or a small address object: compared by value. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
