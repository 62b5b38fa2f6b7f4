/** Reads of the `chat` view: my channels, one channel with its members, and a page of messages with their authors (one query). */
import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { ReadModelDb } from '../projection';

export interface ChatViewer {
  id: string;
  /** Moderators see every channel. */
  moderator: boolean;
}

const channelColumns = ['c.id', 'c.kind', 'c.name', 'c.topic', 'c.category', 'c.position', 'c.owner_id as ownerId', 'c.created_at as createdAt', 'c.updated_at as updatedAt'] as const;

export async function isMember(db: ReadModelDb, channelId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export function myChannels(db: ReadModelDb, viewer: ChatViewer) {
  return db
    .selectFrom('channels as c')
    .innerJoin('channel_members as m', 'm.channel_id', 'c.id')
    .select(channelColumns)
    .where('m.user_id', '=', viewer.id)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.category')
    .orderBy('c.position')
    .orderBy('c.name')
    .execute();
}

export async function channelDetail(db: ReadModelDb, channelId: string, viewer: ChatViewer) {
  const row = await db
    .selectFrom('channels as c')
    .select(channelColumns)
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('channel_members as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.username', 'u.display_name as displayName'])
          .whereRef('m.channel_id', '=', 'c.id')
          .orderBy('u.username'),
      ).as('members'),
    )
    .where('c.id', '=', channelId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row || (!viewer.moderator && !row.members.some((m) => m.id === viewer.id))) return null;
  return row;
}

/** Newest first; `before`/`after` name a message of the channel (its position is the cursor). */
export async function channelMessages(db: ReadModelDb, channelId: string, page: { before?: string; after?: string; limit: number }) {
  const positionOf = (messageId: string) => sql<number>`(SELECT position FROM chat_messages WHERE id = ${messageId} AND channel_id = ${channelId})`;
  let query = db
    .selectFrom('chat_messages as m')
    .select(['m.id', 'm.content', 'm.reply_to as replyTo', 'm.nonce', 'm.created_at as createdAt', 'm.edited_at as editedAt', 'm.deleted_at as deletedAt', 'm.position'])
    .select((eb) => jsonObjectFrom(eb.selectFrom('users as u').select(['u.id', 'u.username', 'u.display_name as displayName']).whereRef('u.id', '=', 'm.author_id')).as('author'))
    .select('m.author_id as authorId')
    .where('m.channel_id', '=', channelId)
    .orderBy('m.position', 'desc')
    .limit(page.limit);
  if (page.before) query = query.where('m.position', '<', positionOf(page.before));
  if (page.after) query = query.where('m.position', '>', positionOf(page.after));
  const rows = await query.execute();
  return rows.map(({ authorId, author, deletedAt, ...m }) => ({
    ...m,
    position: Number(m.position),
    author: author ?? { id: authorId },
    deleted: deletedAt !== null,
  }));
}
