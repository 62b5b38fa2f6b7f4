/** Bodies and queries of the ticket endpoints: every text field bounded. */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../domain/tickets/ticket-transitions';
import { minPositionQuery } from '../read-your-writes';

const title = z.string().trim().min(1).max(200);
const content = z.string().trim().min(1).max(10_000);
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(32)
  .regex(/^[a-z0-9_-]+$/, 'letters, digits, _ and - only');

export class OpenTicketBody extends createZodDto(
  z.object({ title, message: content, priority: z.enum(TICKET_PRIORITIES).default('normal'), customerId: z.uuid().optional() }),
) {}
export class MessageBody extends createZodDto(z.object({ content })) {}
export class StatusBody extends createZodDto(z.object({ status: z.enum(TICKET_STATUSES) })) {}
export class ReadBody extends createZodDto(z.object({ upToMessageId: z.uuid() })) {}
export class AssigneeBody extends createZodDto(z.object({ assigneeId: z.uuid().nullable() })) {}
export class CustomerLinkBody extends createZodDto(z.object({ customerId: z.uuid().nullable() })) {}
export class PriorityBody extends createZodDto(z.object({ priority: z.enum(TICKET_PRIORITIES) })) {}
export class TagsBody extends createZodDto(
  z
    .object({ add: z.array(tag).max(20).default([]), remove: z.array(tag).max(20).default([]) })
    .refine((b) => b.add.length + b.remove.length > 0, 'add or remove at least one tag'),
) {}

export class TicketListParams extends createZodDto(
  minPositionQuery.extend({
    status: z.enum(TICKET_STATUSES).optional(),
    assigneeId: z.uuid().optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    tag: tag.optional(),
    customerId: z.uuid().optional(),
    q: z.string().trim().min(1).max(200).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
) {}

export class TicketParams extends createZodDto(
  minPositionQuery.extend({
    asOf: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .optional(),
  }),
) {}
