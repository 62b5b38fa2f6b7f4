/** Reads of the `voice` view: a channel's participants (with names) and limit, the channels a user is in, everyone in voice. */
import type { ReadModelDb } from '../runtime/projection';
import { DEFAULT_VOICE_USER_LIMIT } from '../../domain/voice/voice-channel.decider';

export interface VoiceParticipantView {
  userId: string;
  username: string | null;
  displayName: string | null;
  muted: boolean;
  deafened: boolean;
  serverMuted: boolean;
  joinedAt: Date;
}

export async function voiceChannelView(
  db: ReadModelDb,
  channelId: string,
): Promise<{ channelId: string; userLimit: number; participants: VoiceParticipantView[] }> {
  const [participants, limit] = await Promise.all([
    db
      .selectFrom('voice_participants as p')
      .leftJoin('users as u', 'u.id', 'p.user_id')
      .select([
        'p.user_id as userId',
        'u.username',
        'u.display_name as displayName',
        'p.muted',
        'p.deafened',
        'p.server_muted as serverMuted',
        'p.joined_at as joinedAt',
      ])
      .where('p.channel_id', '=', channelId)
      .orderBy('p.joined_at')
      .orderBy('p.user_id')
      .execute(),
    db.selectFrom('voice_channel_limits').select('user_limit').where('channel_id', '=', channelId).executeTakeFirst(),
  ]);
  return { channelId, userLimit: limit?.user_limit ?? DEFAULT_VOICE_USER_LIMIT, participants };
}

/** The voice channels a user is listed in: one, unless a switch is under way. */
export async function voiceChannelsOf(db: ReadModelDb, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('voice_participants').select('channel_id').where('user_id', '=', userId).execute();
  return rows.map((row) => row.channel_id);
}

export interface VoiceSessionRow {
  channelId: string;
  userId: string;
  sessionId: string;
}

/** Every participant and its session, for the sweep that removes those whose connection is gone. */
export function voiceSessions(db: ReadModelDb): Promise<VoiceSessionRow[]> {
  return db.selectFrom('voice_participants').select(['channel_id as channelId', 'user_id as userId', 'session_id as sessionId']).execute();
}
