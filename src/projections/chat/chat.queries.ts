/**
 * Reads of the `chat` view: my channels, my pending invitations, whether two users share a channel,
 * one channel with its members, and a page of messages with their authors (one query).
 */
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { ReadModelDb } from '../runtime/projection';

export interface ChatViewer {
  id: string;
  /** Moderators see every channel. */
  moderator: boolean;
}

const channelColumns = [
  'c.id',
  'c.kind',
  'c.name',
  'c.topic',
  'c.category',
  'c.position',
  'c.owner_id as ownerId',
  'c.created_at as createdAt',
  'c.updated_at as updatedAt',
] as const;

/** A member of a channel that still exists: membership rows outlive ChannelDeleted. */
export async function isMember(db: ReadModelDb, channelId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_members as m')
    .innerJoin('channels as c', 'c.id', 'm.channel_id')
    .select('m.user_id')
    .where('m.channel_id', '=', channelId)
    .where('m.user_id', '=', userId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether two users are both members of a channel that still exists (a dm counts): who may see whose presence. */
export async function shareAChannel(db: ReadModelDb, userId: string, otherId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_members as mine')
    .innerJoin('channel_members as theirs', 'theirs.channel_id', 'mine.channel_id')
    .innerJoin('channels as c', 'c.id', 'mine.channel_id')
    .select('c.id')
    .where('mine.user_id', '=', userId)
    .where('theirs.user_id', '=', otherId)
    .where('c.deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The invitations waiting for my answer, with what I am invited to and by whom. */
export function myInvitations(db: ReadModelDb, userId: string) {
  return db
    .selectFrom('channel_invitations as i')
    .innerJoin('channels as c', 'c.id', 'i.channel_id')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select(['c.id as channelId', 'c.kind', 'c.name', 'i.invited_by as invitedBy', 'u.username as invitedByUsername', 'i.invited_at as invitedAt'])
    .where('i.user_id', '=', userId)
    .where('c.deleted_at', 'is', null)
    .orderBy('i.invited_at', 'desc')
    .execute();
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

export interface MessagesPageRequest {
  before?: string;
  after?: string;
  limit: number;
}

export interface MessagesPageRequest {
  before?: string;
  after?: string;
  limit: number;
}

export interface MessagesPage {
  items: ChatMessageView[];
  /** Older messages follow: pass as `before`. */
  nextBefore: string | null;
  /** Newer messages follow a page read with `after` alone: pass as `after`. */
  nextAfter: string | null;
}

/**
 * Newest first. `before`/`after` name a message of the channel (its position is the cursor):
 * `before` pages back from it, `after` alone reads the `limit` messages right after it (and
 * `nextAfter` goes on from there), both together read the newest of the gap between them.
 * Answers which cursor names no message of the channel instead.
 */
export async function channelMessages(
  db: ReadModelDb,
  channelId: string,
  page: MessagesPageRequest,
): Promise<MessagesPage | { unknownCursor: 'before' | 'after' }> {
  const cursors = [page.before, page.after].filter((id) => id !== undefined);
  const known =
    cursors.length === 0
      ? []
      : await db.selectFrom('chat_messages').select(['id', 'position']).where('channel_id', '=', channelId).where('id', 'in', cursors).execute();
  const positionOf = (id: string | undefined) => known.find((row) => row.id === id)?.position;
  const before = positionOf(page.before);
  const after = positionOf(page.after);
  if (page.before !== undefined && before === undefined) return { unknownCursor: 'before' };
  if (page.after !== undefined && after === undefined) return { unknownCursor: 'after' };

  // With `after` alone the page starts right after the cursor, so it is read oldest first.
  const forward = after !== undefined && before === undefined;
  const items = await messagesBetween(db, channelId, { before, after, limit: page.limit, forward });
  if (forward) items.reverse();
  const full = items.length === page.limit;
  return { items, nextBefore: full && !forward ? items[items.length - 1]!.id : null, nextAfter: full && forward ? items[0]!.id : null };
}

type ChatMessageView = Awaited<ReturnType<typeof messagesBetween>>[number];

async function messagesBetween(db: ReadModelDb, channelId: string, range: { before?: number; after?: number; limit: number; forward: boolean }) {
  let query = db
    .selectFrom('chat_messages as m')
    .select([
      'm.id',
      'm.content',
      'm.reply_to as replyTo',
      'm.nonce',
      'm.created_at as createdAt',
      'm.edited_at as editedAt',
      'm.deleted_at as deletedAt',
      'm.position',
    ])
    .select((eb) =>
      jsonObjectFrom(eb.selectFrom('users as u').select(['u.id', 'u.username', 'u.display_name as displayName']).whereRef('u.id', '=', 'm.author_id')).as(
        'author',
      ),
    )
    .select('m.author_id as authorId')
    .where('m.channel_id', '=', channelId)
    .orderBy('m.position', range.forward ? 'asc' : 'desc')
    .limit(range.limit);
  if (range.before !== undefined) query = query.where('m.position', '<', range.before);
  if (range.after !== undefined) query = query.where('m.position', '>', range.after);
  const rows = await query.execute();
  return rows.map(({ authorId, author, deletedAt, ...m }) => ({
    ...m,
    position: Number(m.position),
    author: author ?? { id: authorId },
    deleted: deletedAt !== null,
  }));
}
