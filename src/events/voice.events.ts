/** The voice context's events: who is in a voice channel, muted or deafened, and its limit. */
import { z } from 'zod';
import type { VoiceChannelEvent } from '../domain/voice/voice-channel.decider';
import { type EventCatalog, firstVersion } from './event-definition';
import { id, instant } from './schemas';

const leaveReason = z.enum(['left', 'switched', 'disconnected', 'timed_out', 'access_revoked']);

export const voiceChannelEvents: EventCatalog<VoiceChannelEvent> = {
  VoiceParticipantJoined: firstVersion(z.strictObject({ channelId: id, userId: id, sessionId: id, serverMuted: z.boolean(), at: instant })),
  VoiceParticipantLeft: firstVersion(z.strictObject({ channelId: id, userId: id, sessionId: id, reason: leaveReason, by: id.nullable(), at: instant })),
  VoiceSelfMuteChanged: firstVersion(z.strictObject({ channelId: id, userId: id, muted: z.boolean(), at: instant })),
  VoiceSelfDeafenChanged: firstVersion(z.strictObject({ channelId: id, userId: id, deafened: z.boolean(), at: instant })),
  VoiceServerMuteChanged: firstVersion(z.strictObject({ channelId: id, userId: id, muted: z.boolean(), by: id, at: instant })),
  VoiceUserLimitChanged: firstVersion(z.strictObject({ channelId: id, limit: z.number().int(), by: id, at: instant })),
};
