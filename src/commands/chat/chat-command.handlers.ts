/**
 * Chat commands: a channel command is decided with which of the users it names exist; a message
 * command with its channel's current state and membership, and the message it replies to. All of
 * it is folded from the streams (`user-<id>`, `channel-<id>`, `message-<id>`), not from a read
 * model that may lag. Each message lives in its own `message-<id>` stream.
 */
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { channelDecider, ChannelCommand, channelStream } from '../../domain/chat/channel.decider';
import { ChannelAccess, chatMessageDecider, ChatMessageCommand, messageStream, ReplyTarget } from '../../domain/chat/chat-message.decider';
import { userDecider, userStream } from '../../domain/identity/user.decider';
import { CommandRunner } from '../command-runner';
import { mapConcurrently } from '../map-concurrently';
import type { CommandContext, CommandResult } from '../command-context';

type Without<C, K extends string> = C extends { type: infer T; data: infer D } ? { type: T; data: Omit<D, K> } : never;

/** A channel command as a client asks for it: which users exist is not the client's to say. */
export type ChannelRequest = Without<ChannelCommand, 'known'>;

export class HandleChannelCommand extends Command<CommandResult> {
  constructor(
    readonly command: ChannelRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A message command as a client asks for it: the channel's state and the replied message are not the client's to say. */
export type ChatMessageRequest = Without<ChatMessageCommand, 'channel' | 'replyTarget'>;

export class HandleChatMessageCommand extends Command<CommandResult> {
  constructor(
    readonly command: ChatMessageRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(HandleChannelCommand)
export class HandleChannelCommandHandler implements ICommandHandler<HandleChannelCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, context }: HandleChannelCommand) {
    const { channelId } = command.data;
    const named = command.type === 'CreateChannel' ? command.data.members : command.type === 'AddChannelMember' ? [command.data.userId] : [];
    const decided = { ...command, data: { ...command.data, known: await this.existing(named) } } as ChannelCommand;
    return this.runner.run(channelDecider, { id: channelId, stream: channelStream(channelId) }, decided, context);
  }

  /** The named users whose account is active: a deactivated one is invited no more than an unknown one. */
  private async existing(userIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(userIds)];
    const states = await mapConcurrently(unique, 8, (userId) => this.runner.current(userDecider, userStream(userId)));
    return unique.filter((_, i) => states[i]!.status === 'active');
  }
}

@CommandHandler(HandleChatMessageCommand)
export class HandleChatMessageCommandHandler implements ICommandHandler<HandleChatMessageCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, context }: HandleChatMessageCommand) {
    const stream = messageStream(command.data.messageId);
    const channelId = command.type === 'PostChatMessage' ? command.data.channelId : await this.channelOfMessage(stream);
    const channel = await this.accessTo(channelId, command.data.actor.id);
    const replyTarget = command.type === 'PostChatMessage' && command.data.replyTo !== null ? await this.replyTarget(command.data.replyTo) : null;
    const decided = { ...command, data: { ...command.data, channel, replyTarget } } as ChatMessageCommand;
    return this.runner.run(chatMessageDecider, { id: command.data.messageId, stream }, decided, context);
  }

  private async replyTarget(messageId: string): Promise<ReplyTarget | null> {
    const message = await this.runner.current(chatMessageDecider, messageStream(messageId));
    return message.status === 'none' ? null : { channelId: message.channelId };
  }

  private async channelOfMessage(stream: string): Promise<string | null> {
    const message = await this.runner.current(chatMessageDecider, stream);
    return message.status === 'none' ? null : message.channelId;
  }

  private async accessTo(channelId: string | null, userId: string): Promise<ChannelAccess> {
    // No message, so no channel: the decider answers that the message does not exist.
    if (channelId === null) return { active: false, isMember: false };
    const channel = await this.runner.current(channelDecider, channelStream(channelId));
    return { active: channel.status === 'active', isMember: channel.status !== 'none' && channel.members.has(userId) };
  }
}
