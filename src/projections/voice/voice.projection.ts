/**
 * The `voice` view: who is in each voice channel now, muted or deafened, and each channel's user
 * limit when a moderator changed it. Every change is announced on the channel's key; the realtime
 * gateway turns the announcements into `voice.user_joined` / `voice.user_left` / `voice.user_updated`
 * pushes and applies mutes and disconnects to the media sessions it hosts.
 */
import { Kysely, sql } from 'kysely';
import { defineProjection, type ProjectionContext } from '../runtime/projection';
import type { RecordedEvent } from '../../ports/event-store.port';
import type { VoiceChannelEvent } from '../../domain/voice/voice-channel.decider';
import type { ChannelEvent } from '../../domain/chat/channel.decider';

export interface VoiceParticipantsTable {
  channel_id: string;
  user_id: string;
  /** The gateway connection's session; a later join from another connection replaces it. */
  session_id: string;
  muted: boolean;
  deafened: boolean;
  server_muted: boolean;
  joined_at: Date;
}

export interface VoiceChannelLimitsTable {
  channel_id: string;
  user_limit: number;
}

declare module '../runtime/database' {
  interface DB {
    voice_participants: VoiceParticipantsTable;
    voice_channel_limits: VoiceChannelLimitsTable;
  }
}

type Flags = Partial<Pick<VoiceParticipantsTable, 'muted' | 'deafened' | 'server_muted'>>;

type FlagChange = Extract<VoiceChannelEvent, { type: 'VoiceSelfMuteChanged' | 'VoiceSelfDeafenChanged' | 'VoiceServerMuteChanged' }>;

async function setFlags(event: RecordedEvent<FlagChange>, { trx, notify }: ProjectionContext, flags: Flags): Promise<void> {
  const d = event.data;
  await trx.updateTable('voice_participants').set(flags).where('channel_id', '=', d.channelId).where('user_id', '=', d.userId).execute();
  notify({ key: d.channelId, type: event.type, data: event.data });
}

export const voiceProjection = defineProjection<VoiceChannelEvent | ChannelEvent>({
  name: 'voice',
  tables: ['voice_participants', 'voice_channel_limits'],
  migrations: {
    '0500_voice': {
      async up(db: Kysely<unknown>) {
        await sql`
          CREATE TABLE voice_participants (
            channel_id uuid NOT NULL, user_id uuid NOT NULL, session_id uuid NOT NULL,
            muted boolean NOT NULL, deafened boolean NOT NULL, server_muted boolean NOT NULL, joined_at timestamptz NOT NULL,
            PRIMARY KEY (channel_id, user_id)
          )`.execute(db);
        // One channel per user at a time is found through this index.
        await sql`CREATE INDEX voice_participants_user ON voice_participants (user_id)`.execute(db);
        await sql`CREATE TABLE voice_channel_limits (channel_id uuid PRIMARY KEY, user_limit int NOT NULL)`.execute(db);
      },
    },
  },
  handlers: {
    async VoiceParticipantJoined(event, { trx, notify }) {
      const d = event.data;
      const row = {
        channel_id: d.channelId,
        user_id: d.userId,
        session_id: d.sessionId,
        muted: false,
        deafened: false,
        server_muted: d.serverMuted,
        joined_at: new Date(d.at),
      };
      await trx
        .insertInto('voice_participants')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['channel_id', 'user_id']).doUpdateSet({ session_id: d.sessionId, muted: false, deafened: false, server_muted: d.serverMuted }),
        )
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    async VoiceParticipantLeft(event, { trx, notify }) {
      const d = event.data;
      await trx.deleteFrom('voice_participants').where('channel_id', '=', d.channelId).where('user_id', '=', d.userId).execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    VoiceSelfMuteChanged: (event, context) => setFlags(event, context, { muted: event.data.muted }),
    VoiceSelfDeafenChanged: (event, context) => setFlags(event, context, { deafened: event.data.deafened }),
    VoiceServerMuteChanged: (event, context) => setFlags(event, context, { server_muted: event.data.muted }),
    async VoiceUserLimitChanged(event, { trx, notify }) {
      const d = event.data;
      await trx
        .insertInto('voice_channel_limits')
        .values({ channel_id: d.channelId, user_limit: d.limit })
        .onConflict((oc) => oc.column('channel_id').doUpdateSet({ user_limit: d.limit }))
        .execute();
      notify({ key: d.channelId, type: event.type, data: event.data });
    },
    // A deleted channel has no one in it: nobody can join it again, and nobody stays listed.
    async ChannelDeleted(event, { trx }) {
      const d = event.data;
      await trx.deleteFrom('voice_participants').where('channel_id', '=', d.channelId).execute();
    },
  },
});
