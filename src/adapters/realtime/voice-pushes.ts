/** The `voice` view's change notices as the pushes clients in the channel receive. */
import type { ChangeNotice } from '../../ports/change-bus.port';
import type { VoiceChannelEvent } from '../../domain/voice/voice-channel.decider';
import type { ServerFrame } from './realtime.frames';
import { voiceTopic } from './voice-frames';

type Data<T extends VoiceChannelEvent['type']> = Extract<VoiceChannelEvent, { type: T }>['data'];

export function voicePushOf(change: ChangeNotice): ServerFrame | null {
  const push = (type: string, data: Record<string, unknown>): ServerFrame => ({ topic: voiceTopic(change.key), type, data, position: change.position });
  switch (change.type as VoiceChannelEvent['type']) {
    case 'VoiceParticipantJoined': {
      const d = change.data as Data<'VoiceParticipantJoined'>;
      return push('voice.user_joined', { userId: d.userId, muted: false, deafened: false, serverMuted: d.serverMuted });
    }
    case 'VoiceParticipantLeft': {
      const d = change.data as Data<'VoiceParticipantLeft'>;
      return push('voice.user_left', { userId: d.userId, reason: d.reason, by: d.by });
    }
    case 'VoiceSelfMuteChanged': {
      const d = change.data as Data<'VoiceSelfMuteChanged'>;
      return push('voice.user_updated', { userId: d.userId, muted: d.muted });
    }
    case 'VoiceSelfDeafenChanged': {
      const d = change.data as Data<'VoiceSelfDeafenChanged'>;
      return push('voice.user_updated', { userId: d.userId, deafened: d.deafened });
    }
    case 'VoiceServerMuteChanged': {
      const d = change.data as Data<'VoiceServerMuteChanged'>;
      return push('voice.user_updated', { userId: d.userId, serverMuted: d.muted, by: d.by });
    }
    case 'VoiceUserLimitChanged':
      return push('voice.limit_changed', { userLimit: (change.data as Data<'VoiceUserLimitChanged'>).limit });
    default:
      return null;
  }
}
