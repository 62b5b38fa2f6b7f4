/**
 * The `chat` view: channels, their members, pending invitations, and messages (ordered by `$all`
 * position; a deleted message stays as a tombstone). Every change is announced on the channel's
 * key, which the realtime gateway turns into topic `channel:<id>`; an invitation's changes also on
 * the invitee's key (`invitee-<userId>`), which becomes topic `user:<userId>`.
 */
import { Kysely, sql } from 'kysely';
import { defineProjection, type ProjectionContext } from '../runtime/projection';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { ChannelEvent } from '../../domain/chat/channel.decider';
import type { ChatMessageEvent } from '../../domain/chat/chat-message.decider';

export interface ChannelsTable {
  id: string;
  kind: string;
  name: string;
  topic: string | null;
  category: string | null;
  position: number;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  joined_at: Date;
}

export interface ChannelInvitationsTable {
  channel_id: string;
  user_id: string;
  invited_by: string;
  invited_at: Date;
}

/** The key of an invitee's notices: the gateway pushes them on `user:<userId>`. */
export const inviteeKey = (userId: string) => `invitee-${userId}`;

export interface ChatMessagesTable {
  id: string;
  channel_id: string;
  author_id: string;
  content: string | null;
  reply_to: string | null;
  nonce: string | null;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  position: number;
}

declare module '../runtime/database' {
  interface DB {
    channels: ChannelsTable;
    channel_members: ChannelMembersTable;
    channel_invitations: ChannelInvitationsTable;
    chat_messages: ChatMessagesTable;
  }
}

export const chatProjection = defineProjection<ChannelEvent | ChatMessageEvent>({
  name: 'chat',
  tables: ['channels', 'channel_members', 'channel_invitations', 'chat_messages'],
  migrations: {
    '0400_chat': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE channels (
            id uuid PRIMARY KEY, kind text NOT NULL, name text NOT NULL, topic text, category text, position int NOT NULL,
            owner_id uuid NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, deleted_at timestamptz
          )`.execute(db);
        await sql`CREATE TABLE IF NOT EXISTS channel_members (channel_id uuid NOT NULL, user_id uuid NOT NULL, joined_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (channel_id, user_id))`.execute(
          db,
        );
        await sql`CREATE INDEX channel_members_user ON channel_members (user_id)`.execute(db);
        await sql`
          CREATE TABLE chat_messages (
            id uuid PRIMARY KEY, channel_id uuid NOT NULL, author_id uuid NOT NULL, content text, reply_to uuid, nonce text,
            created_at timestamptz NOT NULL, edited_at timestamptz, deleted_at timestamptz, position bigint NOT NULL
          )`.execute(db);
        await sql`CREATE INDEX chat_messages_channel ON chat_messages (channel_id, position DESC)`.execute(db);
      },
    },
    '0401_chat_invitations': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE channel_invitations (
            channel_id uuid NOT NULL, user_id uuid NOT NULL, invited_by uuid NOT NULL, invited_at timestamptz NOT NULL, PRIMARY KEY (channel_id, user_id)
          )`.execute(db);
        await sql`CREATE INDEX channel_invitations_user ON channel_invitations (user_id)`.execute(db);
      },
    },
  },
  handlers: {
    async ChannelCreated(event, { trx, notify }) {
      const d = event.data;
      const at = new Date(d.at);
      await trx
        .insertInto('channels')
        .values({
          id: d.channelId,
          kind: d.kind,
          name: d.name,
          topic: d.topic,
          category: d.category,
          position: d.position,
          owner_id: d.ownerId,
          created_at: at,
          updated_at: at,
          deleted_at: null,
        })
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChannelUpdated(event, { trx, notify }) {
      const d = event.data;
      await trx
        .updateTable('channels')
        .set({ ...d.changes, updated_at: new Date(d.at) })
        .where('id', '=', d.channelId)
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChannelDeleted(event, { trx, notify }) {
      const d = event.data;
      await trx
        .updateTable('channels')
        .set({ deleted_at: new Date(d.at), updated_at: new Date(d.at) })
        .where('id', '=', d.channelId)
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChannelMemberAdded(event, { trx, notify }) {
      const d = event.data;
      await trx
        .insertInto('channel_members')
        .values({ channel_id: d.channelId, user_id: d.userId, joined_at: new Date(d.at) })
        .onConflict((oc) => oc.doNothing())
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChannelMemberRemoved(event, { trx, notify }) {
      const d = event.data;
      await trx.deleteFrom('channel_members').where('channel_id', '=', d.channelId).where('user_id', '=', d.userId).execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChannelInvitationSent(event, { trx, notify }) {
      const d = event.data;
      await trx
        .insertInto('channel_invitations')
        .values({ channel_id: d.channelId, user_id: d.userId, invited_by: d.by, invited_at: new Date(d.at) })
        .onConflict((oc) => oc.doNothing())
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
      notify({ key: inviteeKey(d.userId), type: event.type, data: event.data });
    },
    ChannelInvitationAccepted: (event, context) => invitationEnded(event, context),
    ChannelInvitationDeclined: (event, context) => invitationEnded(event, context),
    ChannelInvitationWithdrawn: (event, context) => invitationEnded(event, context),
    async ChatMessagePosted(event, { trx, notify }) {
      const d = event.data;
      await trx
        .insertInto('chat_messages')
        .values({
          id: d.messageId,
          channel_id: d.channelId,
          author_id: d.authorId,
          content: d.content,
          reply_to: d.replyTo,
          nonce: d.nonce,
          created_at: new Date(d.at),
          edited_at: null,
          deleted_at: null,
          position: event.position,
        })
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChatMessageEdited(event, { trx, notify }) {
      const d = event.data;
      await trx
        .updateTable('chat_messages')
        .set({ content: d.content, edited_at: new Date(d.at) })
        .where('id', '=', d.messageId)
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async ChatMessageDeleted(event, { trx, notify }) {
      const d = event.data;
      await trx
        .updateTable('chat_messages')
        .set({ content: null, deleted_at: new Date(d.at) })
        .where('id', '=', d.messageId)
        .execute();
      notify({ key: d.channelId, type: event.type, data: { messageId: d.messageId, channelId: d.channelId, by: d.by, at: d.at } });
    },
  },
});

/** Accepted, declined or withdrawn: the invitation is gone (a ChannelMemberAdded follows an acceptance). */
type InvitationEnded = Extract<ChannelEvent, { type: 'ChannelInvitationAccepted' | 'ChannelInvitationDeclined' | 'ChannelInvitationWithdrawn' }>;

async function invitationEnded(event: RecordedEvent<InvitationEnded>, { trx, notify }: ProjectionContext): Promise<void> {
  const d = event.data;
  await trx.deleteFrom('channel_invitations').where('channel_id', '=', d.channelId).where('user_id', '=', d.userId).execute();
  notify({ key: d.channelId, type: event.type, data: event.data });
  notify({ key: inviteeKey(d.userId), type: event.type, data: event.data });
}
