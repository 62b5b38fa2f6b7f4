/**
 * Chat commands: channel commands go straight to the channel decider; a message command is
 * decided with its channel's current state and membership, folded from the channel's stream (not
 * from a read model that may lag). Each message lives in its own `message-<id>` stream.
 */
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { channelDecider, ChannelCommand, channelStream } from '../../domain/chat/channel.decider';
import { ChannelAccess, chatMessageDecider, ChatMessageCommand, messageStream } from '../../domain/chat/chat-message.decider';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';

export class HandleChannelCommand extends Command<CommandResult> {
  constructor(readonly command: ChannelCommand, readonly context: CommandContext) {
    super();
  }
}

type WithoutChannel<C> = C extends { type: infer T; data: infer D } ? { type: T; data: Omit<D, 'channel'> } : never;

/** A message command as a client asks for it: the channel's state is not the client's to say. */
export type ChatMessageRequest = WithoutChannel<ChatMessageCommand>;

export class HandleChatMessageCommand extends Command<CommandResult> {
  constructor(readonly command: ChatMessageRequest, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(HandleChannelCommand)
export class HandleChannelCommandHandler implements ICommandHandler<HandleChannelCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ command, context }: HandleChannelCommand) {
    const { channelId } = command.data;
    return this.runner.run(channelDecider, { id: channelId, stream: channelStream(channelId) }, command, context);
  }
}

@CommandHandler(HandleChatMessageCommand)
export class HandleChatMessageCommandHandler implements ICommandHandler<HandleChatMessageCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, context }: HandleChatMessageCommand) {
    const stream = messageStream(command.data.messageId);
    const channelId = command.type === 'PostChatMessage' ? command.data.channelId : await this.channelOfMessage(stream);
    const channel = await this.accessTo(channelId, command.data.actor.id);
    const decided = { ...command, data: { ...command.data, channel } } as ChatMessageCommand;
    return this.runner.run(chatMessageDecider, { id: command.data.messageId, stream }, decided, context);
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
