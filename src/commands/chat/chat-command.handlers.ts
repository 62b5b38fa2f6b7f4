/**
 * Chat commands: channel commands go straight to the channel decider; a new message is decided
 * with the channel's current membership, folded from the channel's stream (not from a read model
 * that may lag), and lives in its own `message-<id>` stream.
 */
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { channelDecider, ChannelCommand, channelStream } from '../../domain/chat/channel.decider';
import { chatMessageDecider, ChatMessageCommand, messageStream } from '../../domain/chat/chat-message.decider';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';

export class HandleChannelCommand extends Command<CommandResult> {
  constructor(readonly command: ChannelCommand, readonly context: CommandContext) {
    super();
  }
}

type PostChatMessage = Extract<ChatMessageCommand, { type: 'PostChatMessage' }>;

/** A message command as a client asks for it: membership is not the client's to say. */
export type ChatMessageRequest = Exclude<ChatMessageCommand, PostChatMessage> | { type: 'PostChatMessage'; data: Omit<PostChatMessage['data'], 'isMember'> };

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
    let decided: ChatMessageCommand;
    if (command.type === 'PostChatMessage') {
      const channel = await this.runner.current(channelDecider, channelStream(command.data.channelId));
      const isMember = channel.status === 'active' && channel.members.has(command.data.actor.id);
      decided = { ...command, data: { ...command.data, isMember } };
    } else {
      decided = command;
    }
    return this.runner.run(chatMessageDecider, { id: command.data.messageId, stream: messageStream(command.data.messageId) }, decided, context);
  }
}
