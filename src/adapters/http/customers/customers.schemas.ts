/** Bodies and queries of the customer endpoints: every text field bounded, tags normalised to lower case. */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CUSTOMER_STATUSES, MAX_CUSTOMER_TAGS } from '../../../domain/customers/customer.decider';
import { MAX_BATCH_ITEMS } from '../../../commands/customers/batch-update-customers.handler';
import { searchWords } from '../../../projections/customers/customers.queries';
import { minPositionQuery } from '../read-your-writes';

const text = (max: number) => z.string().trim().min(1).max(max);
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9_:-]+$/, 'letters, digits, _ : and - only');
const tags = z.array(tag).max(MAX_CUSTOMER_TAGS);

export const customerFieldSchemas = {
  name: text(200),
  email: z.email().max(254).nullable(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{3,32}$/, 'digits, spaces and + ( ) . / - only, 3-32 characters')
    .nullable(),
  company: text(200).nullable(),
  address: z
    .strictObject({
      line1: text(200).optional(),
      line2: text(200).optional(),
      city: text(100).optional(),
      postalCode: text(20).optional(),
      region: text(100).optional(),
      country: text(100).optional(),
    })
    .nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  tags,
  ownerId: z.uuid().nullable(),
};

const f = customerFieldSchemas;

/** A whole customer: POST creates it, PUT replaces it (a field left out becomes empty). */
export class CustomerBody extends createZodDto(
  z.strictObject({
    name: f.name,
    email: f.email.default(null),
    phone: f.phone.default(null),
    company: f.company.default(null),
    address: f.address.default(null),
    status: f.status.default('active'),
    tags: f.tags.default([]),
    ownerId: f.ownerId.default(null),
  }),
) {}

/**
 * One item of PATCH /customers/batch: the customer, the fields to set, tags to add or remove,
 * and optionally the revision the change was made against. Checked item by item, so that one bad
 * item fails alone.
 */
export const batchItemSchema = z
  .strictObject({
    id: z.uuid(),
    expectedRevision: z.number().int().min(0).optional(),
    name: f.name.optional(),
    email: f.email.optional(),
    phone: f.phone.optional(),
    company: f.company.optional(),
    address: f.address.optional(),
    status: f.status.optional(),
    tags: f.tags.optional(),
    ownerId: f.ownerId.optional(),
    addTags: tags.optional(),
    removeTags: tags.optional(),
  })
  .refine(({ id: _, expectedRevision: __, ...change }) => Object.keys(change).length > 0, 'change at least one field');

export type BatchItemBody = z.infer<typeof batchItemSchema>;

export class BatchBody extends createZodDto(
  z.strictObject({
    items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per batch`),
  }),
) {}

export class CustomerListParams extends createZodDto(
  minPositionQuery.extend({
    status: f.status.optional(),
    tag: tag.optional(),
    ownerId: z.uuid().optional(),
    groupId: z.uuid().optional(),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((q) => searchWords(q).length > 0, 'search for at least one letter or digit')
      .optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
) {}

export class StatisticsParams extends createZodDto(
  minPositionQuery.extend({
    weeks: z.coerce.number().int().min(1).max(104).default(12),
    groups: z.coerce.number().int().min(1).max(100).default(10),
  }),
) {}

export class ReadParams extends createZodDto(minPositionQuery) {}

export class GroupBody extends createZodDto(z.strictObject({ name: text(100), description: text(1000).nullable().default(null) })) {}

export class GroupMembersBody extends createZodDto(z.strictObject({ customerIds: z.array(z.uuid()).min(1).max(MAX_BATCH_ITEMS) })) {}

export class GroupListParams extends createZodDto(
  minPositionQuery.extend({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
) {}
