/**
 * One chat message (`message-<id>` streams, so a busy channel's stream stays small): posted,
 * edited by its author, deleted (a tombstone) by its author or an admin. Whether the actor may
 * write in the channel is decided from the channel's state, which every command carries: only
 * members post and edit, and nothing in a deleted channel changes.
 */
import { assertNever, Decider, eventTypes } from '../decider';
import { forbidden, illegalState, notFound } from '../errors';
import type { ChannelActor } from './channel.decider';

export const messageStream = (messageId: string) => `message-${messageId}`;

/** The channel of the message as it stands when the command is handled, for its actor. */
export interface ChannelAccess {
  active: boolean;
  isMember: boolean;
}

/** The message a post answers (`replyTo`), as the handler found it in the log: null when there is none. */
export interface ReplyTarget {
  channelId: string;
}

export type ChatMessageCommand =
  | {
      type: 'PostChatMessage';
      data: {
        messageId: string;
        channelId: string;
        content: string;
        replyTo: string | null;
        nonce: string | null;
        actor: ChannelActor;
        channel: ChannelAccess;
        replyTarget: ReplyTarget | null;
        at: string;
      };
    }
  | { type: 'EditChatMessage'; data: { messageId: string; content: string; actor: ChannelActor; channel: ChannelAccess; at: string } }
  | { type: 'DeleteChatMessage'; data: { messageId: string; actor: ChannelActor; channel: ChannelAccess; at: string } };

export type ChatMessageEvent =
  | {
      type: 'ChatMessagePosted';
      data: { messageId: string; channelId: string; authorId: string; content: string; replyTo: string | null; nonce: string | null; at: string };
    }
  | { type: 'ChatMessageEdited'; data: { messageId: string; channelId: string; content: string; at: string } }
  | { type: 'ChatMessageDeleted'; data: { messageId: string; channelId: string; by: string; at: string } };

export type ChatMessageState = { status: 'none' } | { status: 'posted' | 'deleted'; channelId: string; authorId: string; content: string };

const noSuchChannel = () => notFound('ChannelsAreVisibleToMembers', 'no such channel');

export const chatMessageDecider: Decider<ChatMessageCommand, ChatMessageEvent, ChatMessageState> = {
  eventTypes: eventTypes<ChatMessageEvent>({ ChatMessagePosted: true, ChatMessageEdited: true, ChatMessageDeleted: true }),
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'ChatMessagePosted':
        return { status: 'posted', channelId: event.data.channelId, authorId: event.data.authorId, content: event.data.content };
      case 'ChatMessageEdited':
        return state.status === 'none' ? state : { ...state, content: event.data.content };
      case 'ChatMessageDeleted':
        return state.status === 'none' ? state : { ...state, status: 'deleted' };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    const { messageId, actor, channel, at } = command.data;
    if (command.type === 'PostChatMessage') {
      const { channelId, content, replyTo, nonce } = command.data;
      if (!channel.active || !channel.isMember) throw noSuchChannel();
      if (replyTo !== null && command.data.replyTarget?.channelId !== channelId)
        throw notFound('RepliesAnswerAMessageOfTheChannel', 'replyTo names no message of this channel');
      // The same client nonce again (a retry) is the same message: nothing new.
      if (state.status !== 'none') return [];
      return [{ type: 'ChatMessagePosted', data: { messageId, channelId, authorId: actor.id, content, replyTo, nonce, at } }];
    }
    if (state.status === 'none') throw notFound('ChatMessageExists', 'no such message');
    // An admin deletes without being a member; everyone else must be one, in a channel that still exists.
    if (!channel.active || (!channel.isMember && !(command.type === 'DeleteChatMessage' && actor.admin))) throw noSuchChannel();
    if (state.status === 'deleted') throw illegalState('DeletedMessagesStayDeleted', 'the message was deleted');
    switch (command.type) {
      case 'EditChatMessage':
        if (state.authorId !== actor.id) throw forbidden('AuthorsEditTheirMessages', 'only the author edits a message');
        if (state.content === command.data.content) return [];
        return [{ type: 'ChatMessageEdited', data: { messageId, channelId: state.channelId, content: command.data.content, at } }];
      case 'DeleteChatMessage':
        if (state.authorId !== actor.id && !actor.admin) throw forbidden('AuthorsOrAdminsDeleteMessages', 'only the author or an admin deletes a message');
        return [{ type: 'ChatMessageDeleted', data: { messageId, channelId: state.channelId, by: actor.id, at } }];
      default:
        return assertNever(command);
    }
  },
};
