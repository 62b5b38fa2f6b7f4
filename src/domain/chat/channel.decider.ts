/**
 * A chat channel (`channel-<id>` streams): its settings, its members and who is invited. Text and
 * voice channels are managed by their owner or an admin; anyone may leave. Nobody is put into a
 * channel without saying yes: naming another user (at creation, when adding, or as the other side
 * of a dm) invites them, and they join by accepting; only a platform admin adds people directly.
 * A direct-message channel has exactly its two members (or invitees), for good.
 */
import { assertNever, Decider, eventTypes } from '../decider';
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

/**
 * `known`: which of the users a command names exist, as the handler found them in the log; naming
 * anyone else is refused as not found rather than inviting a user who does not exist.
 */
export type ChannelCommand =
  | {
      type: 'CreateChannel';
      data: { channelId: string; kind: ChannelType; settings: ChannelSettings; members: string[]; known: readonly string[]; actor: ChannelActor; at: string };
    }
  | { type: 'UpdateChannel'; data: { channelId: string; changes: Partial<ChannelSettings>; actor: ChannelActor; at: string } }
  | { type: 'DeleteChannel'; data: { channelId: string; actor: ChannelActor; at: string } }
  | { type: 'AddChannelMember'; data: { channelId: string; userId: string; known: readonly string[]; actor: ChannelActor; at: string } }
  | { type: 'RemoveChannelMember'; data: { channelId: string; userId: string; actor: ChannelActor; at: string } }
  | { type: 'AcceptChannelInvitation'; data: { channelId: string; actor: ChannelActor; at: string } }
  | { type: 'DeclineChannelInvitation'; data: { channelId: string; actor: ChannelActor; at: string } };

export type ChannelEvent =
  | { type: 'ChannelCreated'; data: { channelId: string; kind: ChannelType; ownerId: string; at: string } & ChannelSettings }
  | { type: 'ChannelUpdated'; data: { channelId: string; changes: Partial<ChannelSettings>; by: string; at: string } }
  | { type: 'ChannelDeleted'; data: { channelId: string; by: string; at: string } }
  | { type: 'ChannelMemberAdded'; data: { channelId: string; userId: string; by: string; at: string } }
  | { type: 'ChannelMemberRemoved'; data: { channelId: string; userId: string; by: string; at: string } }
  /** Carries the channel's kind and name: the invitee cannot read the channel until they accept. */
  | { type: 'ChannelInvitationSent'; data: { channelId: string; userId: string; by: string; kind: ChannelType; name: string; at: string } }
  | { type: 'ChannelInvitationAccepted'; data: { channelId: string; userId: string; at: string } }
  | { type: 'ChannelInvitationDeclined'; data: { channelId: string; userId: string; at: string } }
  | { type: 'ChannelInvitationWithdrawn'; data: { channelId: string; userId: string; by: string; at: string } };

export type ChannelState =
  | { status: 'none' }
  | { status: 'active' | 'deleted'; kind: ChannelType; ownerId: string; members: ReadonlySet<string>; invited: ReadonlySet<string>; settings: ChannelSettings };

const without = (set: ReadonlySet<string>, value: string) => new Set([...set].filter((v) => v !== value));
const noSuchUser = () => notFound('InviteesExist', 'no such user');

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  eventTypes: eventTypes<ChannelEvent>({
    ChannelCreated: true,
    ChannelUpdated: true,
    ChannelDeleted: true,
    ChannelMemberAdded: true,
    ChannelMemberRemoved: true,
    ChannelInvitationSent: true,
    ChannelInvitationAccepted: true,
    ChannelInvitationDeclined: true,
    ChannelInvitationWithdrawn: true,
  }),
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'ChannelCreated') {
      const { channelId: _, kind, ownerId, at: __, ...settings } = event.data;
      return { status: 'active', kind, ownerId, members: new Set(), invited: new Set(), settings };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'ChannelUpdated':
        return { ...state, settings: { ...state.settings, ...event.data.changes } };
      case 'ChannelDeleted':
        return { ...state, status: 'deleted' };
      case 'ChannelMemberAdded':
        return { ...state, members: new Set([...state.members, event.data.userId]), invited: without(state.invited, event.data.userId) };
      case 'ChannelMemberRemoved':
        return { ...state, members: without(state.members, event.data.userId) };
      case 'ChannelInvitationSent':
        return { ...state, invited: new Set([...state.invited, event.data.userId]) };
      case 'ChannelInvitationAccepted': // its ChannelMemberAdded follows
        return state;
      case 'ChannelInvitationDeclined':
      case 'ChannelInvitationWithdrawn':
        return { ...state, invited: without(state.invited, event.data.userId) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { channelId, actor, at } = command.data;
    if (command.type === 'CreateChannel') {
      if (state.status !== 'none') throw illegalState('ChannelIsCreatedOnce', 'the channel exists already');
      const { kind, settings } = command.data;
      const others = [...new Set(command.data.members)].filter((userId) => userId !== actor.id);
      if (kind === 'dm' && others.length !== 1) throw invalid('DirectMessagesHaveExactlyTwoMembers', 'a dm channel is between you and one other user');
      if (others.some((userId) => !command.data.known.includes(userId))) throw noSuchUser();
      return [
        { type: 'ChannelCreated', data: { channelId, kind, ownerId: actor.id, ...settings, at } },
        { type: 'ChannelMemberAdded', data: { channelId, userId: actor.id, by: actor.id, at } },
        ...others.map((userId) => joinOrInvite(userId, actor, { channelId, kind, name: settings.name, at })),
      ];
    }
    if (command.type === 'AcceptChannelInvitation' || command.type === 'DeclineChannelInvitation') {
      // Only the invitee learns that the channel exists; to everyone else there is nothing to answer.
      if (state.status === 'none' || !state.invited.has(actor.id)) throw notFound('InvitationsAreAnsweredByTheInvited', 'no invitation to this channel');
      if (state.status === 'deleted') throw illegalState('DeletedChannelsDoNotChange', 'the channel was deleted');
      if (command.type === 'DeclineChannelInvitation') return [{ type: 'ChannelInvitationDeclined', data: { channelId, userId: actor.id, at } }];
      return [
        { type: 'ChannelInvitationAccepted', data: { channelId, userId: actor.id, at } },
        { type: 'ChannelMemberAdded', data: { channelId, userId: actor.id, by: actor.id, at } },
      ];
    }
    if (state.status === 'none' || (!state.members.has(actor.id) && !actor.admin)) throw notFound('ChannelsAreVisibleToMembers', 'no such channel');
    if (state.status === 'deleted') throw illegalState('DeletedChannelsDoNotChange', 'the channel was deleted');
    const manages = actor.admin || state.ownerId === actor.id;
    switch (command.type) {
      case 'UpdateChannel': {
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin changes it');
        const changes = Object.fromEntries(
          Object.entries(command.data.changes).filter(([key, value]) => value !== undefined && state.settings[key as keyof ChannelSettings] !== value),
        );
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ChannelUpdated', data: { channelId, changes, by: actor.id, at } }];
      }
      case 'DeleteChannel':
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin deletes it');
        return [{ type: 'ChannelDeleted', data: { channelId, by: actor.id, at } }];
      case 'AddChannelMember':
        if (state.kind === 'dm') throw illegalState('DirectMessagesHaveExactlyTwoMembers', 'a dm channel keeps its two members');
        if (!manages) throw forbidden('OwnersManageChannels', 'only the channel owner or an admin adds members');
        if (!command.data.known.includes(command.data.userId)) throw noSuchUser();
        // Already in, or already asked (an admin's add still lets an invitee in at once).
        if (state.members.has(command.data.userId) || (state.invited.has(command.data.userId) && !actor.admin)) return [];
        return [joinOrInvite(command.data.userId, actor, { channelId, kind: state.kind, name: state.settings.name, at })];
      case 'RemoveChannelMember':
        if (state.kind === 'dm') throw illegalState('DirectMessagesHaveExactlyTwoMembers', 'a dm channel keeps its two members');
        if (!manages && command.data.userId !== actor.id)
          throw forbidden('MembersLeaveOrOwnersRemove', 'you may remove yourself; the owner or an admin removes others');
        if (state.invited.has(command.data.userId))
          return [{ type: 'ChannelInvitationWithdrawn', data: { channelId, userId: command.data.userId, by: actor.id, at } }];
        if (!state.members.has(command.data.userId)) return [];
        return [{ type: 'ChannelMemberRemoved', data: { channelId, userId: command.data.userId, by: actor.id, at } }];
      default:
        return assertNever(command);
    }
  },
};

/** A platform admin puts a user in; anyone else's naming of a user is an invitation (ManagersInviteAdminsAdd). */
function joinOrInvite(userId: string, actor: ChannelActor, channel: { channelId: string; kind: ChannelType; name: string; at: string }): ChannelEvent {
  const { channelId, kind, name, at } = channel;
  if (actor.admin) return { type: 'ChannelMemberAdded', data: { channelId, userId, by: actor.id, at } };
  return { type: 'ChannelInvitationSent', data: { channelId, userId, by: actor.id, kind, name, at } };
}
