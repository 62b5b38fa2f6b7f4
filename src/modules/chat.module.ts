/** Chat: channels, members and messages. */
import { Module } from '@nestjs/common';
import { HandleChannelCommandHandler, HandleChatMessageCommandHandler } from '../commands/chat/chat-command.handlers';
import { ChatController } from '../adapters/http/chat/chat.controller';

@Module({
  controllers: [ChatController],
  providers: [HandleChannelCommandHandler, HandleChatMessageCommandHandler],
})
export class ChatModule {}
