import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { fold } from '../../src/domain/decider';
import { channelDecider, ChannelEvent, ChannelState } from '../../src/domain/chat/channel.decider';
import { REPLACED_SESSION_RULE, VoiceChannelEvent, voiceChannelDecider, type VoiceLeaveReason } from '../../src/domain/voice/voice-channel.decider';

const at = '2026-11-21T10:00:00.000Z';
const channelId = 'c1';
const owner = { id: 'owner', moderator: false };
const member = { id: 'member', moderator: false };
const other = { id: 'other', moderator: false };
const stranger = { id: 'stranger', moderator: false };
const moderator = { id: 'mod', moderator: true };
const settings = { name: 'lounge', topic: null, category: null, position: 0 };

const channelOf = (kind: 'voice' | 'text', ...extra: ChannelEvent[]): ChannelState =>
  fold(channelDecider, [
    { type: 'ChannelCreated', data: { channelId, kind, ownerId: owner.id, ...settings, at } },
    ...[owner, member, other].map((u): ChannelEvent => ({ type: 'ChannelMemberAdded', data: { channelId, userId: u.id, by: owner.id, at } })),
    ...extra,
  ]);
const voice = channelOf('voice');

const join = (userId: string, sessionId = `s-${userId}`, channel = voice) => ({
  type: 'JoinVoiceChannel' as const,
  data: { channelId, userId, sessionId, channel, at },
});
const joined = (userId: string, sessionId = `s-${userId}`, serverMuted = false): VoiceChannelEvent => ({
  type: 'VoiceParticipantJoined',
  data: { channelId, userId, sessionId, serverMuted, at },
});
const left = (userId: string, reason: VoiceLeaveReason, by: string | null = userId, sessionId = `s-${userId}`): VoiceChannelEvent => ({
  type: 'VoiceParticipantLeft',
  data: { channelId, userId, sessionId, reason, by, at },
});
const limitSet = (limit: number): VoiceChannelEvent => ({ type: 'VoiceUserLimitChanged', data: { channelId, limit, by: owner.id, at } });

describe('voice channel decider', () => {
  const spec = deciderSpec(voiceChannelDecider);

  describe('joining', () => {
    it('lets a member join a voice channel', () =>
      spec
        .given([])
        .when(join(member.id))
        .then([joined(member.id)]));
    it('hides the channel from non-members, even moderators, who must be members to join', () => {
      spec.given([]).when(join(stranger.id)).thenFails('ChannelsAreVisibleToMembers');
      spec.given([]).when(join(moderator.id)).thenFails('ChannelsAreVisibleToMembers');
    });
    it('joins only voice channels, and not deleted ones', () => {
      spec
        .given([])
        .when(join(member.id, 's', channelOf('text')))
        .thenFails('OnlyVoiceChannelsHaveVoice');
      spec
        .given([])
        .when(join(member.id, 's', channelOf('voice', { type: 'ChannelDeleted', data: { channelId, by: owner.id, at } })))
        .thenFails('DeletedChannelsDoNotChange');
      spec
        .given([])
        .when(join(member.id, 's', fold(channelDecider, [])))
        .thenFails('ChannelsAreVisibleToMembers');
    });
    it('joins once per session: the same session again records nothing', () =>
      spec
        .given([joined(member.id)])
        .when(join(member.id))
        .then([]));
    it('lets a new connection take over the participant, keeping a server mute', () =>
      spec
        .given([joined(member.id), { type: 'VoiceServerMuteChanged', data: { channelId, userId: member.id, muted: true, by: owner.id, at } }])
        .when(join(member.id, 's2'))
        .then([joined(member.id, 's2', true)]));
  });

  describe('the user limit', () => {
    it('is 50 by default', () => {
      const fifty = Array.from({ length: 50 }, (_, i) => joined(`u${i}`));
      spec.given(fifty).when(join(member.id)).thenFails('VoiceChannelsHoldAtMostTheirUserLimit');
      spec
        .given(fifty.slice(1))
        .when(join(member.id))
        .then([joined(member.id)]);
    });
    it('refuses one more than the limit, but not someone already in', () => {
      spec
        .given([limitSet(1), joined(other.id)])
        .when(join(member.id))
        .thenFails('VoiceChannelsHoldAtMostTheirUserLimit');
      spec
        .given([limitSet(1), joined(other.id)])
        .when(join(other.id, 'again'))
        .then([joined(other.id, 'again')]);
    });
    it('has room again once someone left', () =>
      spec
        .given([limitSet(1), joined(other.id), left(other.id, 'left')])
        .when(join(member.id))
        .then([joined(member.id)]));
    it('is set by the owner or a moderator, from 1 to 100', () => {
      const setLimit = (actor: typeof owner, limit: number) => ({ type: 'SetVoiceUserLimit' as const, data: { channelId, limit, actor, channel: voice, at } });
      spec
        .given([])
        .when(setLimit(owner, 10))
        .then([limitSet(10)]);
      spec
        .given([])
        .when(setLimit(moderator, 100))
        .then([{ type: 'VoiceUserLimitChanged', data: { channelId, limit: 100, by: moderator.id, at } }]);
      spec.given([]).when(setLimit(owner, 50)).then([]);
      spec.given([]).when(setLimit(member, 10)).thenFails('ModeratorsManageVoice');
      spec.given([]).when(setLimit(owner, 0)).thenFails('VoiceUserLimitIsFrom1To100');
      spec.given([]).when(setLimit(owner, 101)).thenFails('VoiceUserLimitIsFrom1To100');
      spec.given([]).when(setLimit(owner, 2.5)).thenFails('VoiceUserLimitIsFrom1To100');
    });
  });

  describe('leaving', () => {
    it('records who left and why, and nothing when not in', () => {
      spec
        .given([joined(member.id)])
        .when({ type: 'LeaveVoiceChannel', data: { channelId, userId: member.id, reason: 'left', at } })
        .then([left(member.id, 'left')]);
      spec
        .given([joined(member.id)])
        .when({ type: 'LeaveVoiceChannel', data: { channelId, userId: member.id, reason: 'switched', at } })
        .then([left(member.id, 'switched')]);
      spec
        .given([])
        .when({ type: 'LeaveVoiceChannel', data: { channelId, userId: member.id, reason: 'left', at } })
        .then([]);
    });
    it('leaves only with the current session: a replaced connection leaving records nothing', () => {
      const leave = (sessionId: string) => ({
        type: 'LeaveVoiceChannel' as const,
        data: { channelId, userId: member.id, sessionId, reason: 'left' as const, at },
      });
      spec
        .given([joined(member.id)])
        .when(leave(`s-${member.id}`))
        .then([left(member.id, 'left')]);
      spec
        .given([joined(member.id), joined(member.id, 'newer')])
        .when(leave(`s-${member.id}`))
        .then([]);
    });
    it('ends only the session whose connection went away, or lost access', () => {
      const end = (sessionId: string, reason: 'timed_out' | 'access_revoked' = 'timed_out') => ({
        type: 'EndVoiceSession' as const,
        data: { channelId, userId: member.id, sessionId, reason, at },
      });
      spec
        .given([joined(member.id)])
        .when(end(`s-${member.id}`))
        .then([left(member.id, 'timed_out', null)]);
      spec
        .given([joined(member.id)])
        .when(end(`s-${member.id}`, 'access_revoked'))
        .then([left(member.id, 'access_revoked', null)]);
      spec
        .given([joined(member.id), joined(member.id, 'newer')])
        .when(end(`s-${member.id}`))
        .then([]);
      spec
        .given([joined(member.id), left(member.id, 'left')])
        .when(end(`s-${member.id}`))
        .then([]);
    });
  });

  describe('muting and deafening oneself', () => {
    const selfMute = (muted: boolean, sessionId = `s-${member.id}`) => ({
      type: 'SetSelfMute' as const,
      data: { channelId, userId: member.id, sessionId, muted, at },
    });
    const selfDeafen = (deafened: boolean, sessionId = `s-${member.id}`) => ({
      type: 'SetSelfDeafen' as const,
      data: { channelId, userId: member.id, sessionId, deafened, at },
    });
    it('records a change, and nothing when unchanged', () => {
      spec
        .given([joined(member.id)])
        .when(selfMute(true))
        .then([{ type: 'VoiceSelfMuteChanged', data: { channelId, userId: member.id, muted: true, at } }]);
      spec
        .given([joined(member.id)])
        .when(selfMute(false))
        .then([]);
      spec
        .given([joined(member.id)])
        .when(selfDeafen(true))
        .then([{ type: 'VoiceSelfDeafenChanged', data: { channelId, userId: member.id, deafened: true, at } }]);
      spec
        .given([joined(member.id), { type: 'VoiceSelfDeafenChanged', data: { channelId, userId: member.id, deafened: true, at } }])
        .when(selfDeafen(true))
        .then([]);
    });
    it('is for participants only', () => {
      spec.given([]).when(selfMute(true)).thenFails('OnlyParticipantsMuteThemselves');
      spec.given([]).when(selfDeafen(true)).thenFails('OnlyParticipantsDeafenThemselves');
    });
    it('starts unmuted at each join', () =>
      spec
        .given([joined(member.id), { type: 'VoiceSelfMuteChanged', data: { channelId, userId: member.id, muted: true, at } }, joined(member.id, 's2')])
        .when(selfMute(false, 's2'))
        .then([]));
    it('is refused from a session another connection replaced', () => {
      spec
        .given([joined(member.id), joined(member.id, 'newer')])
        .when(selfMute(true))
        .thenFails(REPLACED_SESSION_RULE);
      spec
        .given([joined(member.id), joined(member.id, 'newer')])
        .when(selfDeafen(true))
        .thenFails(REPLACED_SESSION_RULE);
    });
  });

  describe('moderation', () => {
    const serverMute = (actor: typeof owner, muted = true, userId = member.id) => ({
      type: 'SetServerMute' as const,
      data: { channelId, userId, muted, actor, channel: voice, at },
    });
    const disconnect = (actor: typeof owner, userId = member.id) => ({
      type: 'DisconnectVoiceParticipant' as const,
      data: { channelId, userId, actor, channel: voice, at },
    });
    it('lets the owner or a moderator server-mute a participant', () => {
      spec
        .given([joined(member.id)])
        .when(serverMute(owner))
        .then([{ type: 'VoiceServerMuteChanged', data: { channelId, userId: member.id, muted: true, by: owner.id, at } }]);
      spec
        .given([joined(member.id)])
        .when(serverMute(moderator))
        .then([{ type: 'VoiceServerMuteChanged', data: { channelId, userId: member.id, muted: true, by: moderator.id, at } }]);
      spec
        .given([joined(member.id)])
        .when(serverMute(owner, false))
        .then([]);
    });
    it('refuses a member muting another, and a stranger as if there were no channel', () => {
      spec
        .given([joined(member.id)])
        .when(serverMute(other))
        .thenFails('ModeratorsManageVoice');
      spec
        .given([joined(member.id)])
        .when(serverMute(stranger))
        .thenFails('ChannelsAreVisibleToMembers');
    });
    it('server-mutes only participants', () => spec.given([]).when(serverMute(owner)).thenFails('ModeratorsActOnParticipants'));
    it('lets a moderator disconnect a participant, once', () => {
      spec
        .given([joined(member.id)])
        .when(disconnect(moderator))
        .then([left(member.id, 'disconnected', moderator.id)]);
      spec
        .given([joined(member.id), left(member.id, 'disconnected', moderator.id)])
        .when(disconnect(moderator))
        .then([]);
      spec
        .given([joined(member.id)])
        .when(disconnect(other))
        .thenFails('ModeratorsManageVoice');
    });
    it('keeps a server mute across leaving and joining again', () =>
      spec
        .given([
          joined(member.id),
          { type: 'VoiceServerMuteChanged', data: { channelId, userId: member.id, muted: true, by: owner.id, at } },
          left(member.id, 'left'),
        ])
        .when(join(member.id, 'back'))
        .then([joined(member.id, 'back', true)]));
  });
});
