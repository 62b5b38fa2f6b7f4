/** Bodies and queries of the chat endpoints. */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { minPositionQuery } from '../read-your-writes';

const name = z.string().trim().min(1).max(100);
const topic = z.string().trim().max(1024).nullable();
const category = z.string().trim().min(1).max(100).nullable();
const position = z.number().int().min(0).max(10_000);

export class CreateChannelBody extends createZodDto(
  z.object({
    type: z.enum(['text', 'voice', 'dm']).default('text'),
    name,
    topic: topic.default(null),
    category: category.default(null),
    position: position.default(0),
    members: z.array(z.uuid()).max(100).default([]),
  }),
) {}

export class UpdateChannelBody extends createZodDto(
  z
    .object({ name: name.optional(), topic: topic.optional(), category: category.optional(), position: position.optional() })
    .refine((b) => Object.keys(b).length > 0, 'change at least one field'),
) {}

export class AddMemberBody extends createZodDto(z.object({ userId: z.uuid() })) {}

export class PostMessageBody extends createZodDto(
  z.object({
    content: z.string().trim().min(1).max(4000),
    replyTo: z.uuid().nullable().default(null),
    nonce: z.string().min(1).max(64).nullable().default(null),
  }),
) {}

export class EditMessageBody extends createZodDto(z.object({ content: z.string().trim().min(1).max(4000) })) {}

export class MessagesPageQuery extends createZodDto(
  minPositionQuery.extend({ before: z.uuid().optional(), after: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
) {}

export class ReadQuery extends createZodDto(minPositionQuery) {}
