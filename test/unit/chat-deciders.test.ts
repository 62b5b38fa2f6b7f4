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

describe('channel decider', () => {
  const spec = deciderSpec(channelDecider);
  it('creates a channel with its creator as a member', () =>
    spec.given([]).when({ type: 'CreateChannel', data: { channelId, kind: 'text', settings, members: [member.id], actor: owner, at } }).then(created));
  it('creates a dm between exactly two people', () => {
    spec.given([]).when({ type: 'CreateChannel', data: { channelId, kind: 'dm', settings, members: [], actor: owner, at } }).thenFails('DirectMessagesHaveExactlyTwoMembers');
    spec.given([]).when({ type: 'CreateChannel', data: { channelId, kind: 'dm', settings, members: [member.id, stranger.id], actor: owner, at } }).thenFails('DirectMessagesHaveExactlyTwoMembers');
  });
  it('keeps a dm at two members', () => {
    const dm: ChannelEvent[] = [{ type: 'ChannelCreated', data: { channelId, kind: 'dm', ownerId: owner.id, ...settings, at } }, created[1]!, created[2]!];
    spec.given(dm).when({ type: 'AddChannelMember', data: { channelId, userId: stranger.id, actor: owner, at } }).thenFails('DirectMessagesHaveExactlyTwoMembers');
    spec.given(dm).when({ type: 'RemoveChannelMember', data: { channelId, userId: member.id, actor: member, at } }).thenFails('DirectMessagesHaveExactlyTwoMembers');
  });
  it('lets the owner or an admin change and delete the channel, not a member', () => {
    spec.given(created).when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'hi' }, actor: owner, at } }).then([{ type: 'ChannelUpdated', data: { channelId, changes: { topic: 'hi' }, by: owner.id, at } }]);
    spec.given(created).when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'hi' }, actor: member, at } }).thenFails('OwnersManageChannels');
    spec.given(created).when({ type: 'DeleteChannel', data: { channelId, actor: admin, at } }).then([{ type: 'ChannelDeleted', data: { channelId, by: admin.id, at } }]);
  });
  it('records nothing for an update that changes nothing', () =>
    spec.given(created).when({ type: 'UpdateChannel', data: { channelId, changes: { name: 'general' }, actor: owner, at } }).then([]));
  it('hides the channel from strangers', () =>
    spec.given(created).when({ type: 'UpdateChannel', data: { channelId, changes: { topic: 'x' }, actor: stranger, at } }).thenFails('ChannelsAreVisibleToMembers'));
  it('lets members leave and owners remove', () => {
    spec.given(created).when({ type: 'RemoveChannelMember', data: { channelId, userId: member.id, actor: member, at } }).then([{ type: 'ChannelMemberRemoved', data: { channelId, userId: member.id, by: member.id, at } }]);
    spec.given(created).when({ type: 'RemoveChannelMember', data: { channelId, userId: owner.id, actor: member, at } }).thenFails('MembersLeaveOrOwnersRemove');
  });
  it('refuses changes to a deleted channel', () =>
    spec.given([...created, { type: 'ChannelDeleted', data: { channelId, by: owner.id, at } }]).when({ type: 'AddChannelMember', data: { channelId, userId: stranger.id, actor: owner, at } }).thenFails('DeletedChannelsDoNotChange'));
});

describe('chat message decider', () => {
  const spec = deciderSpec(chatMessageDecider);
  const asMember = { active: true, isMember: true };
  const asStranger = { active: true, isMember: false };
  const deleted = { active: false, isMember: true };
  const posted: ChatMessageEvent = { type: 'ChatMessagePosted', data: { messageId: 'm1', channelId, authorId: member.id, content: 'hello', replyTo: null, nonce: 'n1', at } };
  const post = (actor = member, channel = asMember) => ({ type: 'PostChatMessage' as const, data: { messageId: 'm1', channelId, content: 'hello', replyTo: null, nonce: 'n1', actor, channel, at } });
  const edit = (actor = member, channel = asMember) => ({ type: 'EditChatMessage' as const, data: { messageId: 'm1', content: 'hi', actor, channel, at } });
  const remove = (actor = member, channel = asMember) => ({ type: 'DeleteChatMessage' as const, data: { messageId: 'm1', actor, channel, at } });
  it('posts a member\'s message', () => spec.given([]).when(post()).then([posted]));
  it('refuses a non-member as if the channel did not exist', () => spec.given([]).when(post(stranger, asStranger)).thenFails('ChannelsAreVisibleToMembers'));
  it('posts the same nonce once', () => spec.given([posted]).when(post()).then([]));
  it('lets only the author edit', () => {
    spec.given([posted]).when(edit()).then([{ type: 'ChatMessageEdited', data: { messageId: 'm1', channelId, content: 'hi', at } }]);
    spec.given([posted]).when(edit(admin)).thenFails('AuthorsEditTheirMessages');
  });
  it('lets the author or an admin delete, once', () => {
    spec.given([posted]).when(remove(admin)).then([{ type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: admin.id, at } }]);
    spec.given([posted]).when(remove(owner)).thenFails('AuthorsOrAdminsDeleteMessages');
    spec.given([posted, { type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: member.id, at } }]).when({ type: 'EditChatMessage', data: { messageId: 'm1', content: 'x', actor: member, channel: asMember, at } }).thenFails('DeletedMessagesStayDeleted');
  });
  it('refuses an author removed from the channel, as if it did not exist; an admin still deletes', () => {
    spec.given([posted]).when(edit(member, asStranger)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(member, asStranger)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(admin, asStranger)).then([{ type: 'ChatMessageDeleted', data: { messageId: 'm1', channelId, by: admin.id, at } }]);
  });
  it('changes nothing in a deleted channel, not even for an admin', () => {
    spec.given([]).when(post(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(edit(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(member, deleted)).thenFails('ChannelsAreVisibleToMembers');
    spec.given([posted]).when(remove(admin, deleted)).thenFails('ChannelsAreVisibleToMembers');
  });
});
