/** Voice: the participants of a voice channel and its moderation over HTTP; signaling is in the realtime gateway. */
import { Module } from '@nestjs/common';
import { HandleVoiceCommandHandler } from '../commands/voice/handle-voice-command';
import { VoiceController } from '../adapters/http/voice/voice.controller';

@Module({
  controllers: [VoiceController],
  providers: [HandleVoiceCommandHandler],
})
export class VoiceModule {}
