/** The chat context's events: channels and their messages. */
import { z } from 'zod';
import type { ChannelEvent } from '../domain/chat/channel.decider';
import type { ChatMessageEvent } from '../domain/chat/chat-message.decider';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant } from './schemas';

const kind = z.enum(['text', 'voice', 'dm']);
const settings = { name: z.string(), topic: z.string().nullable(), category: z.string().nullable(), position: z.number().int() };

export const channelEvents: EventCatalog<ChannelEvent> = {
  ChannelCreated: firstVersion(z.strictObject({ channelId: id, kind, ownerId: id, at: instant, ...settings })),
  ChannelUpdated: firstVersion(z.strictObject({ channelId: id, changes: z.strictObject(settings).partial(), by: id, at: instant })),
  ChannelDeleted: firstVersion(z.strictObject({ channelId: id, by: id, at: instant })),
  ChannelMemberAdded: firstVersion(z.strictObject({ channelId: id, userId: id, by: id, at: instant })),
  ChannelMemberRemoved: firstVersion(z.strictObject({ channelId: id, userId: id, by: id, at: instant })),
  ChannelInvitationSent: firstVersion(z.strictObject({ channelId: id, userId: id, by: id, kind, name: z.string(), at: instant })),
  ChannelInvitationAccepted: firstVersion(z.strictObject({ channelId: id, userId: id, at: instant })),
  ChannelInvitationDeclined: firstVersion(z.strictObject({ channelId: id, userId: id, at: instant })),
  ChannelInvitationWithdrawn: firstVersion(z.strictObject({ channelId: id, userId: id, by: id, at: instant })),
};

export const chatMessageEvents: EventCatalog<ChatMessageEvent> = {
  ChatMessagePosted: firstVersion(
    z.strictObject({ messageId: id, channelId: id, authorId: id, content: z.string(), replyTo: id.nullable(), nonce: z.string().nullable(), at: instant }),
  ),
  ChatMessageEdited: firstVersion(z.strictObject({ messageId: id, channelId: id, content: z.string(), at: instant })),
  ChatMessageDeleted: firstVersion(z.strictObject({ messageId: id, channelId: id, by: id, at: instant })),
};
