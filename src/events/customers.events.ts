/** The customers context's events: customers and customer groups. */
import { z } from 'zod';
import { CUSTOMER_STATUSES, type CustomerEvent } from '../domain/customers/customer.decider';
import type { CustomerGroupEvent } from '../domain/customers/customer-group.decider';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant } from './schemas';

const customerStatus = z.enum(CUSTOMER_STATUSES);
const customerChange = { customerId: id, by: id, at: instant };
const address = z.strictObject({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
});
const profile = { name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), company: z.string().nullable(), address: address.nullable() };

export const customerEvents: EventCatalog<CustomerEvent> = {
  CustomerCreated: firstVersion(z.strictObject({ ...customerChange, ...profile, status: customerStatus, tags: z.array(z.string()), ownerId: id.nullable() })),
  CustomerProfileChanged: firstVersion(z.strictObject({ ...customerChange, changes: z.strictObject(profile).partial() })),
  CustomerStatusChanged: firstVersion(z.strictObject({ ...customerChange, from: customerStatus, to: customerStatus })),
  CustomerOwnerChanged: firstVersion(z.strictObject({ ...customerChange, from: id.nullable(), to: id.nullable() })),
  CustomerTagsChanged: firstVersion(z.strictObject({ ...customerChange, added: z.array(z.string()), removed: z.array(z.string()) })),
  CustomerDeleted: firstVersion(z.strictObject(customerChange)),
};

const groupChange = { groupId: id, by: id, at: instant };
const groupDetails = { name: z.string(), description: z.string().nullable() };

export const customerGroupEvents: EventCatalog<CustomerGroupEvent> = {
  CustomerGroupCreated: firstVersion(z.strictObject({ ...groupChange, ...groupDetails })),
  CustomerGroupChanged: firstVersion(z.strictObject({ ...groupChange, changes: z.strictObject(groupDetails).partial() })),
  CustomerGroupDeleted: firstVersion(z.strictObject(groupChange)),
  CustomersAddedToGroup: firstVersion(z.strictObject({ ...groupChange, customerIds: z.array(id) })),
  CustomersRemovedFromGroup: firstVersion(z.strictObject({ ...groupChange, customerIds: z.array(id) })),
};
