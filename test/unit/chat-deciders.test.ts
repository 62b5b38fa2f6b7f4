import { describe, it } from 'vitest';
import { deciderSpec } from '../support/decider-spec';
import { channelDecider, ChannelEvent } from '../../src/domain/chat/channel.decider';
import { chatMessageDecider, ChatMessageEvent } from '../../src/domain/chat/chat-message.decider';

const at = '2026-11-21T10:00:00.000Z';
const channelId = 'c1';
const owner = { id: 'owner', admin: false };
const member = { id: 'member', admin: false };
const stranger = { id: 'stranger', admin: false };
const admin = { id: 'admin', admin: true };
const settings = { name: 'general', topic: null, category: null, position: 0 };
const created: ChannelEvent[] = [
  { type: 'ChannelCreated', data: { channelId, kind: 'text', ownerId: owner.id, ...settings, at } },
  { type: 'ChannelMemberAdded', data: { channelId, userId: owner.id, by: owner.id, at } },
  { type: 'ChannelMemberAdded', data: { channelId, userId: member.id, by: owner.id, at } },
];

const known = [owner.id, member.id, stranger.id, admin.id];
const invited = (userId: string, by = owner.id, kind: 'text' | 'dm' = 'text'): ChannelEvent => ({
  type: 'ChannelInvitationSent',
  data: { channelId, userId, by, kind, name: settings.name, at },
});
const added = (userId: string, by: string): ChannelEvent => ({ type: 'ChannelMemberAdded', data: { channelId, userId, by, at } });

describe('channel decider', () => {
  const spec = deciderSpec(channelDecider);
  const create = (members: string[], actor = owner, kind: 'text' | 'dm' = 'text') => ({
    type: 'CreateChannel' as const,
    data: { channelId, kind, settings, members, known, actor, at },
  });
  const addMember = (userId: string, actor = owner) => ({ type: 'AddChannelMember' as const, data: { channelId, userId, known, actor, at } });
  const answer = (type: 'AcceptChannelInvitation' | 'DeclineChannelInvitation', actor: typeof owner) => ({ type, data: { channelId, actor, at } });
  const ownerInvitedStranger = [...created, invited(stranger.id)];

  it('creates a channel with its creator as a member, and invites the others it names', () =>
    spec
      .given([])
      .when(create([member.id, owner.id]))
      .then([created[0]!, created[1]!, invited(member.id)]));
  it('lets a platform admin put the users it names straight in', () =>
    spec
      .given([])
      .when(create([member.id], admin))
      .then([{ ...created[0]!, data: { ...created[0]!.data, ownerId: admin.id } } as ChannelEvent, added(admin.id, admin.id), added(member.id, admin.id)]));
  it('refuses to name a user who does not exist, at creation and when adding', () => {
    spec
      .given([])
      .when({ ...create(['ghost']) })
      .thenFails('InviteesExist');
    spec.given(created).when(addMember('ghost')).thenFails('InviteesExist');
    spec.given(created).when(addMember('ghost', admin)).thenFails('InviteesExist');
  });
  it('turns an owner adding a member into an invitation, once; an admin adds directly', () => {
    spec
      .given(created)
      .when(addMember(stranger.id))
      .then([invited(stranger.id)]);
    spec.given(ownerInvitedStranger).when(addMember(stranger.id)).then([]);
    spec
      .given(ownerInvitedStranger)
      .when(addMember(stranger.id, admin))
      .then([added(stranger.id, admin.id)]);
    spec.given(created).when(addMember(member.id)).then([]);
  });
  it('lets the invitee accept (and so join) or decline, once', () => {
    spec
      .given(ownerInvitedStranger)
      .when(answer('AcceptChannelInvitation', stranger))
      .then([{ type: 'ChannelInvitationAccepted', data: { channelId, userId: stranger.id, at } }, added(stranger.id, stranger.id)]);
    spec
      .given(ownerInvitedStranger)
      .when(answer('DeclineChannelInvitation', stranger))
      .then([{ type: 'ChannelInvitationDeclined', data: { channelId, userId: stranger.id, at } }]);
    spec
      .given([...ownerInvitedStranger, { type: 'ChannelInvitationDeclined', data: { channelId, userId: stranger.id, at } }])
      .when(answer('AcceptChannelInvitation', stranger))
      .thenFails('InvitationsAreAnsweredByTheInvited');
    spec
      .given([...ownerInvitedStranger, { type: 'ChannelInvitationAccepted', data: { channelId, userId: stranger.id, at } }, added(stranger.id, stranger.id)])
      .when(answer('DeclineChannelInvitation', stranger))
      .thenFails('InvitationsAreAnsweredByTheInvited');
  });
  it('lets nobody but the invitee answer, and says nothing of the channel to them', () => {
    spec.given(created).when(answer('AcceptChannelInvitation', stranger)).thenFails('InvitationsAreAnsweredByTheInvited');
    spec.given(ownerInvitedStranger).when(answer('AcceptChannelInvitation', admin)).thenFails('InvitationsAreAnsweredByTheInvited');
    spec.given([]).when(answer('AcceptChannelInvitation', stranger)).thenFails('InvitationsAreAnsweredByTheInvited');
  });
  it('keeps an invitee out until they accept', () =>
    spec
      .given(ownerInvitedStranger)
      .when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'x' }, actor: stranger, at } })
      .thenFails('ChannelsAreVisibleToMembers'));
  it('lets the owner withdraw an invitation, not another member', () => {
    spec
      .given(ownerInvitedStranger)
      .when({ type: 'RemoveChannelMember', data: { channelId, userId: stranger.id, actor: owner, at } })
      .then([{ type: 'ChannelInvitationWithdrawn', data: { channelId, userId: stranger.id, by: owner.id, at } }]);
    spec
      .given(ownerInvitedStranger)
      .when({ type: 'RemoveChannelMember', data: { channelId, userId: stranger.id, actor: member, at } })
      .thenFails('MembersLeaveOrOwnersRemove');
  });
  it('refuses answers in a deleted channel', () =>
    spec
      .given([...ownerInvitedStranger, { type: 'ChannelDeleted', data: { channelId, by: owner.id, at } }])
      .when(answer('AcceptChannelInvitation', stranger))
      .thenFails('DeletedChannelsDoNotChange'));
  it('makes a dm a request the other side accepts', () =>
    spec
      .given([])
      .when(create([member.id], owner, 'dm'))
      .then([{ ...created[0]!, data: { ...created[0]!.data, kind: 'dm' } } as ChannelEvent, created[1]!, invited(member.id, owner.id, 'dm')]));
  it('creates a dm between exactly two people', () => {
    spec
      .given([])
      .when(create([], owner, 'dm'))
      .thenFails('DirectMessagesHaveExactlyTwoMembers');
    spec
      .given([])
      .when(create([owner.id], owner, 'dm'))
      .thenFails('DirectMessagesHaveExactlyTwoMembers');
    spec
      .given([])
      .when(create([member.id, stranger.id], owner, 'dm'))
      .thenFails('DirectMessagesHaveExactlyTwoMembers');
  });
  it('keeps a dm at two members', () => {
    const dm: ChannelEvent[] = [{ type: 'ChannelCreated', data: { channelId, kind: 'dm', ownerId: owner.id, ...settings, at } }, created[1]!, created[2]!];
    spec.given(dm).when(addMember(stranger.id)).thenFails('DirectMessagesHaveExactlyTwoMembers');
    spec
      .given(dm)
      .when({ type: 'RemoveChannelMember', data: { channelId, userId: member.id, actor: member, at } })
      .thenFails('DirectMessagesHaveExactlyTwoMembers');
  });
  it('lets the owner or an admin change and delete the channel, not a member', () => {
    spec
      .given(created)
      .when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'hi' }, actor: owner, at } })
      .then([{ type: 'ChannelUpdated', data: { channelId, changes: { topic: 'hi' }, by: owner.id, at } }]);
    spec
      .given(created)
      .when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'hi' }, actor: member, at } })
      .thenFails('OwnersManageChannels');
    spec
      .given(created)
      .when({ type: 'DeleteChannel', data: { channelId, actor: admin, at } })
      .then([{ type: 'ChannelDeleted', data: { channelId, by: admin.id, at } }]);
  });
  it('records nothing for an update that changes nothing', () =>
    spec
      .given(created)
      .when({ type: 'UpdateChannel', data: { channelId, changes: { name: 'general' }, actor: owner, at } })
      .then([]));
  it('hides the channel from strangers', () =>
    spec
      .given(created)
      .when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'x' }, actor: stranger, at } })
      .thenFails('ChannelsAreVisibleToMembers'));
  it('lets members leave and owners remove', () => {
    spec
      .given(created)
      .when({ type: 'RemoveChannelMember', data: { channelId, userId: member.id, actor: member, at } })
      .then([{ type: 'ChannelMemberRemoved', data: { channelId, userId: member.id, by: member.id, at } }]);
    spec
      .given(created)
      .when({ type: 'RemoveChannelMember', data: { channelId, userId: owner.id, actor: member, at } })
      .thenFails('MembersLeaveOrOwnersRemove');
  });
  it('refuses changes to a deleted channel', () =>
    spec
      .given([...created, { type: 'ChannelDeleted', data: { channelId, by: owner.id, at } }])
      .when(addMember(stranger.id))
      .thenFails('DeletedChannelsDoNotChange'));
});

describe('chat message decider', () => {
  const spec = deciderSpec(chatMessageDecider);
  const asMember = { active: true, isMember: true };
  const asStranger = { active: true, isMember: false };
  const deleted = { active: false, isMember: true };
  const posted: ChatMessageEvent = {
    type: 'ChatMessagePosted',
    data: { messageId: 'm1', channelId, authorId: member.id, content: 'hello', replyTo: null, nonce: 'n1', at },
  };
  const post = (
    actor = member,
    channel = asMember,
    reply: { replyTo: string | null; replyTarget: { channelId: string } | null } = { replyTo: null, replyTarget: null },
  ) => ({
    type: 'PostChatMessage' as const,
    data: { messageId: 'm1', channelId, content: 'hello', nonce: 'n1', actor, channel, at, ...reply },
  });
  const edit = (actor = member, channel = asMember) => ({ type: 'EditChatMessage' as const, data: { messageId: 'm1', content: 'hi', actor, channel, at } });
  const remove = (actor = member, channel = asMember) => ({ type: 'DeleteChatMessage' as const, data: { messageId: 'm1', actor, channel, at } });
  it("posts a member's message", () => spec.given([]).when(post()).then([posted]));
  it('refuses a non-member as if the channel did not exist', () => spec.given([]).when(post(stranger, asStranger)).thenFails('ChannelsAreVisibleToMembers'));
  it('posts a reply only to a message of the same channel', () => {
    const replied = { ...posted, data: { ...posted.data, replyTo: 'm0' } };
    spec
      .given([])
      .when(post(member, asMember, { replyTo: 'm0', replyTarget: { channelId } }))
      .then([replied]);
    spec
      .given([])
      .when(post(member, asMember, { replyTo: 'm0', replyTarget: null }))
      .thenFails('RepliesAnswerAMessageOfTheChannel');
    spec
      .given([])
      .when(post(member, asMember, { replyTo: 'm0', replyTarget: { channelId: 'elsewhere' } }))
      .thenFails('RepliesAnswerAMessageOfTheChannel');
  });
  it('posts the same nonce once', () => spec.given([posted]).when(post()).then([]));
  it('lets only the author edit', () => {
    spec
      .given([posted])
      .when(edit())
      .then([{ type: 'ChatMessageEdited', data: { messageId: 'm1', channelId, content: 'hi', at } }]);
    spec.given([posted]).when(edit(admin)).thenFails('AuthorsEditTheirMessages');
  });
  it('lets the author or an admin delete, once', () => {
    spec
      .given([posted])
      .when(remove(admin))
      .then([{ type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: admin.id, at } }]);
    spec.given([posted]).when(remove(owner)).thenFails('AuthorsOrAdminsDeleteMessages');
    spec
      .given([posted, { type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: member.id, at } }])
      .when({ type: 'EditChatMessage', data: { messageId: 'm1', content: 'x', actor: member, channel: asMember, at } })
      .thenFails('DeletedMessagesStayDeleted');
  });
  it('refuses an author removed from the channel, as if it did not exist; an admin still deletes', () => {
    spec.given([posted]).when(edit(member, asStranger)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(member, asStranger)).thenFails('ChannelsAreVisibleToMembers');
    spec
      .given([posted])
      .when(remove(admin, asStranger))
      .then([{ type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: admin.id, at } }]);
  });
  it('changes nothing in a deleted channel, not even for an admin', () => {
    spec.given([]).when(post(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(edit(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(admin, deleted)).thenFails('ChannelsAreVisibleToMembers');
  });
});
