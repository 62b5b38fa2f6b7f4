/**
 * A chat channel (`channel-<id>` streams): its settings and its members. Text and voice channels
 * are managed by their owner or an admin; anyone may leave. A direct-message channel has exactly
 * its two members, for good.
 */
import { assertNever, Decider } from '../decider';
import { forbidden, illegalState, invalid, notFound } from '../errors';

export const channelStream = (channelId: string) => `channel-${channelId}`;

export type ChannelType = 'text' | 'voice' | 'dm';

export interface ChannelActor {
  id: string;
  admin: boolean;
}

export type ChannelSettings = {
  name: string;
  topic: string | null;
  category: string | null;
  position: number;
};

export type ChannelCommand =
  | { type: 'CreateChannel'; data: { channelId: string; kind: ChannelType; settings: ChannelSettings; members: string[]; actor: ChannelActor; at: string } }
  | { type: 'UpdateChannel'; data: { channelId: string; changes: Partial<ChannelSettings>; actor: ChannelActor; at: string } }
  | { type: 'DeleteChannel'; data: { channelId: string; actor: ChannelActor; at: string } }
  | { type: 'AddChannelMember'; data: { channelId: string; userId: string; actor: ChannelActor; at: string } }
  | { type: 'RemoveChannelMember'; data: { channelId: string; userId: string; actor: ChannelActor; at: string } };

export type ChannelEvent =
  | { type: 'ChannelCreated'; data: { channelId: string; kind: ChannelType; ownerId: string; at: string } & ChannelSettings }
  | { type: 'ChannelUpdated'; data: { channelId: string; changes: Partial<ChannelSettings>; by: string; at: string } }
  | { type: 'ChannelDeleted'; data: { channelId: string; by: string; at: string } }
  | { type: 'ChannelMemberAdded'; data: { channelId: string; userId: string; by: string; at: string } }
  | { type: 'ChannelMemberRemoved'; data: { channelId: string; userId: string; by: string; at: string } };

export type ChannelState =
  | { status: 'none' }
  | { status: 'active' | 'deleted'; kind: ChannelType; ownerId: string; members: ReadonlySet<string>; settings: ChannelSettings };

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'ChannelCreated') {
      const { channelId: _, kind, ownerId, at: __, ...settings } = event.data;
      return { status: 'active', kind, ownerId, members: new Set(), settings };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'ChannelUpdated':
        return { ...state, settings: { ...state.settings, ...event.data.changes } };
      case 'ChannelDeleted':
        return { ...state, status: 'deleted' };
      case 'ChannelMemberAdded':
        return { ...state, members: new Set([...state.members, event.data.userId]) };
      case 'ChannelMemberRemoved':
        return { ...state, members: new Set([...state.members].filter((m) => m !== event.data.userId)) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { channelId, actor, at } = command.data;
    if (command.type === 'CreateChannel') {
      if (state.status !== 'none') throw illegalState('ChannelIsCreatedOnce', 'the channel exists already');
      const { kind, settings } = command.data;
      const members = [...new Set([actor.id, ...command.data.members])];
      if (kind === 'dm' && members.length !== 2) throw invalid('DirectMessagesHaveExactlyTwoMembers', 'a dm channel is between you and one other user');
      return [
        { type: 'ChannelCreated', data: { channelId, kind, ownerId: actor.id, ...settings, at } },
        ...members.map((userId): ChannelEvent => ({ type: 'ChannelMemberAdded', data: { channelId, userId, by: actor.id, at } })),
      ];
    }
    if (state.status === 'none' || (!state.members.has(actor.id) && !actor.admin)) throw notFound('ChannelsAreVisibleToMembers', 'no such channel');
    if (state.status === 'deleted') throw illegalState('DeletedChannelsDoNotChange', 'the channel was deleted');
    const manages = actor.admin || state.ownerId === actor.id;
    switch (command.type) {
      case 'UpdateChannel': {
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin changes it');
        const changes = Object.fromEntries(Object.entries(command.data.changes).filter(([key, value]) => value !== undefined && state.settings[key as keyof ChannelSettings] !== value));
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ChannelUpdated', data: { channelId, changes, by: actor.id, at } }];
      }
      case 'DeleteChannel':
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin deletes it');
        return [{ type: 'ChannelDeleted', data: { channelId, by: actor.id, at } }];
      case 'AddChannelMember':
        if (state.kind === 'dm') throw illegalState('DirectMessagesHaveExactlyTwoMembers', 'a dm channel keeps its two members');
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin adds members');
        if (state.members.has(command.data.userId)) return [];
        return [{ type: 'ChannelMemberAdded', data: { channelId, userId: command.data.userId, by: actor.id, at } }];
      case 'RemoveChannelMember':
        if (state.kind === 'dm') throw illegalState('DirectMessagesHaveExactlyTwoMembers', 'a dm channel keeps its two members');
        if (!manages && command.data.userId !== actor.id) throw forbidden('MembersLeaveOrOwnersRemove', 'you may remove yourself; the owner or an admin removes others');
        if (!state.members.has(command.data.userId)) return [];
        return [{ type: 'ChannelMemberRemoved', data: { channelId, userId: command.data.userId, by: actor.id, at } }];
      default:
        return assertNever(command);
    }
  },
};
