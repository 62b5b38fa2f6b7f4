/**
 * Who is in a voice channel (`voice-<channelId>` streams): joins and leaves, self-mute and
 * self-deafen, a moderator's server-mute and disconnect, and the channel's user limit. Whether
 * the channel is a voice channel, who its members are and who owns it is the chat channel's
 * business: the command carries that channel's state, folded from its own stream.
 *
 * One voice channel per user at a time spans two streams; the command handler leaves the old
 * channel before joining the new one (see handle-voice-command.ts).
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { forbidden, illegalState, invalid, notFound } from '../errors';
import type { ChannelState } from '../chat/channel.decider';

export const voiceStream = (channelId: string) => `voice-${channelId}`;

export const DEFAULT_VOICE_USER_LIMIT = 50;
export const MIN_VOICE_USER_LIMIT = 1;
export const MAX_VOICE_USER_LIMIT = 100;

export interface VoiceActor {
  id: string;
  /** Holds `channels:moderate`; the channel's owner moderates it too. */
  moderator: boolean;
}

/**
 * Why someone is no longer in the channel: they left, joined another, a moderator disconnected
 * them, their connection stayed away past the grace period, or they lost access to the channel.
 */
export type VoiceLeaveReason = 'left' | 'switched' | 'disconnected' | 'timed_out' | 'access_revoked';

export type VoiceChannelCommand =
  | { type: 'JoinVoiceChannel'; data: { channelId: string; userId: string; sessionId: string; channel: ChannelState; at: string } }
  /**
   * `sessionId`: the leaving connection's session; a leave from a replaced session records nothing.
   * Without it (a switch to another channel) whichever session the user has there leaves.
   */
  | { type: 'LeaveVoiceChannel'; data: { channelId: string; userId: string; sessionId?: string; reason: 'left' | 'switched'; at: string } }
  /** The system ends one session: its connection stayed away past the grace period, or the user lost access to the channel. */
  | { type: 'EndVoiceSession'; data: { channelId: string; userId: string; sessionId: string; reason: 'timed_out' | 'access_revoked'; at: string } }
  /** Refused (ReplacedSessionsNoLongerAct) from a session another connection has replaced since. */
  | { type: 'SetSelfMute'; data: { channelId: string; userId: string; sessionId: string; muted: boolean; at: string } }
  | { type: 'SetSelfDeafen'; data: { channelId: string; userId: string; sessionId: string; deafened: boolean; at: string } }
  | { type: 'SetServerMute'; data: { channelId: string; userId: string; muted: boolean; actor: VoiceActor; channel: ChannelState; at: string } }
  | { type: 'DisconnectVoiceParticipant'; data: { channelId: string; userId: string; actor: VoiceActor; channel: ChannelState; at: string } }
  | { type: 'SetVoiceUserLimit'; data: { channelId: string; limit: number; actor: VoiceActor; channel: ChannelState; at: string } };

export type VoiceChannelEvent =
  /** Also when a participant joins again from a new connection: the new session replaces the old one. */
  | { type: 'VoiceParticipantJoined'; data: { channelId: string; userId: string; sessionId: string; serverMuted: boolean; at: string } }
  | { type: 'VoiceParticipantLeft'; data: { channelId: string; userId: string; sessionId: string; reason: VoiceLeaveReason; by: string | null; at: string } }
  | { type: 'VoiceSelfMuteChanged'; data: { channelId: string; userId: string; muted: boolean; at: string } }
  | { type: 'VoiceSelfDeafenChanged'; data: { channelId: string; userId: string; deafened: boolean; at: string } }
  | { type: 'VoiceServerMuteChanged'; data: { channelId: string; userId: string; muted: boolean; by: string; at: string } }
  | { type: 'VoiceUserLimitChanged'; data: { channelId: string; limit: number; by: string; at: string } };

export interface VoiceParticipant {
  sessionId: string;
  muted: boolean;
  deafened: boolean;
}

export interface VoiceChannelState {
  participants: ReadonlyMap<string, VoiceParticipant>;
  /** Server-muted users stay muted when they leave and come back. */
  serverMuted: ReadonlySet<string>;
  userLimit: number;
}

const withParticipant = (state: VoiceChannelState, userId: string, change: (p: VoiceParticipant) => VoiceParticipant): VoiceChannelState => {
  const participant = state.participants.get(userId);
  return participant ? { ...state, participants: new Map(state.participants).set(userId, change(participant)) } : state;
};

const toggled = (set: ReadonlySet<string>, id: string, on: boolean) => {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
};

/** The channel exists for this user, and they may see it (members do; moderators see every channel). */
function visibleChannel(channel: ChannelState, userId: string, moderator: boolean) {
  if (channel.status === 'none' || (!channel.members.has(userId) && !moderator)) throw notFound('ChannelsAreVisibleToMembers', 'no such channel');
  if (channel.status === 'deleted') throw illegalState('DeletedChannelsDoNotChange', 'the channel was deleted');
  if (channel.kind !== 'voice') throw illegalState('OnlyVoiceChannelsHaveVoice', 'this is not a voice channel');
  return channel;
}

function moderated(channel: ChannelState, actor: VoiceActor, what: string): void {
  const visible = visibleChannel(channel, actor.id, actor.moderator);
  if (!actor.moderator && visible.ownerId !== actor.id) throw forbidden('ModeratorsManageVoice', `only a moderator or the channel owner ${what}`);
}

/** The rule a command from a replaced session breaks: its connection should hang up. */
export const REPLACED_SESSION_RULE = 'ReplacedSessionsNoLongerAct';

/** The user's participant, as long as `sessionId` is still theirs. */
function participantOf(state: VoiceChannelState, userId: string, sessionId: string, rule: string): VoiceParticipant {
  const participant = state.participants.get(userId);
  if (!participant) throw illegalState(rule, 'not in this voice channel');
  if (participant.sessionId !== sessionId) throw illegalState(REPLACED_SESSION_RULE, 'this voice session was replaced by another connection');
  return participant;
}

export const voiceChannelDecider: Decider<VoiceChannelCommand, VoiceChannelEvent, VoiceChannelState> = {
  eventTypes: eventTypes<VoiceChannelEvent>({
    VoiceParticipantJoined: true,
    VoiceParticipantLeft: true,
    VoiceSelfMuteChanged: true,
    VoiceSelfDeafenChanged: true,
    VoiceServerMuteChanged: true,
    VoiceUserLimitChanged: true,
  }),
  initialState: () => ({ participants: new Map(), serverMuted: new Set(), userLimit: DEFAULT_VOICE_USER_LIMIT }),

  evolve(state, event) {
    switch (event.type) {
      case 'VoiceParticipantJoined': {
        const { userId, sessionId } = event.data;
        return { ...state, participants: new Map(state.participants).set(userId, { sessionId, muted: false, deafened: false }) };
      }
      case 'VoiceParticipantLeft': {
        const participants = new Map(state.participants);
        participants.delete(event.data.userId);
        return { ...state, participants };
      }
      case 'VoiceSelfMuteChanged':
        return withParticipant(state, event.data.userId, (p) => ({ ...p, muted: event.data.muted }));
      case 'VoiceSelfDeafenChanged':
        return withParticipant(state, event.data.userId, (p) => ({ ...p, deafened: event.data.deafened }));
      case 'VoiceServerMuteChanged':
        return { ...state, serverMuted: toggled(state.serverMuted, event.data.userId, event.data.muted) };
      case 'VoiceUserLimitChanged':
        return { ...state, userLimit: event.data.limit };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { channelId, at } = command.data;
    switch (command.type) {
      case 'JoinVoiceChannel': {
        const { userId, sessionId, channel } = command.data;
        visibleChannel(channel, userId, false);
        const present = state.participants.get(userId);
        if (present?.sessionId === sessionId) return [];
        if (!present && state.participants.size >= state.userLimit) {
          throw illegalState('VoiceChannelsHoldAtMostTheirUserLimit', `the voice channel is full (${state.userLimit} of ${state.userLimit})`);
        }
        return [{ type: 'VoiceParticipantJoined', data: { channelId, userId, sessionId, serverMuted: state.serverMuted.has(userId), at } }];
      }
      case 'LeaveVoiceChannel': {
        const { userId, sessionId, reason } = command.data;
        const present = state.participants.get(userId);
        if (!present || (sessionId !== undefined && present.sessionId !== sessionId)) return [];
        return [{ type: 'VoiceParticipantLeft', data: { channelId, userId, sessionId: present.sessionId, reason, by: userId, at } }];
      }
      case 'EndVoiceSession': {
        const { userId, sessionId, reason } = command.data;
        // Joined again since, from a new connection: that session is not the one that ended.
        if (state.participants.get(userId)?.sessionId !== sessionId) return [];
        return [{ type: 'VoiceParticipantLeft', data: { channelId, userId, sessionId, reason, by: null, at } }];
      }
      case 'SetSelfMute': {
        const { userId, sessionId, muted } = command.data;
        const participant = participantOf(state, userId, sessionId, 'OnlyParticipantsMuteThemselves');
        return participant.muted === muted ? [] : [{ type: 'VoiceSelfMuteChanged', data: { channelId, userId, muted, at } }];
      }
      case 'SetSelfDeafen': {
        const { userId, sessionId, deafened } = command.data;
        const participant = participantOf(state, userId, sessionId, 'OnlyParticipantsDeafenThemselves');
        return participant.deafened === deafened ? [] : [{ type: 'VoiceSelfDeafenChanged', data: { channelId, userId, deafened, at } }];
      }
      case 'SetServerMute': {
        const { userId, muted, actor, channel } = command.data;
        moderated(channel, actor, 'mutes others');
        if (!state.participants.has(userId)) throw notFound('ModeratorsActOnParticipants', 'that user is not in this voice channel');
        return state.serverMuted.has(userId) === muted ? [] : [{ type: 'VoiceServerMuteChanged', data: { channelId, userId, muted, by: actor.id, at } }];
      }
      case 'DisconnectVoiceParticipant': {
        const { userId, actor, channel } = command.data;
        moderated(channel, actor, 'disconnects others');
        const present = state.participants.get(userId);
        if (!present) return [];
        return [{ type: 'VoiceParticipantLeft', data: { channelId, userId, sessionId: present.sessionId, reason: 'disconnected', by: actor.id, at } }];
      }
      case 'SetVoiceUserLimit': {
        const { limit, actor, channel } = command.data;
        moderated(channel, actor, 'sets the user limit');
        if (!Number.isInteger(limit) || limit < MIN_VOICE_USER_LIMIT || limit > MAX_VOICE_USER_LIMIT) {
          throw invalid('VoiceUserLimitIsFrom1To100', `the user limit is a whole number from ${MIN_VOICE_USER_LIMIT} to ${MAX_VOICE_USER_LIMIT}`);
        }
        return state.userLimit === limit ? [] : [{ type: 'VoiceUserLimitChanged', data: { channelId, limit, by: actor.id, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
