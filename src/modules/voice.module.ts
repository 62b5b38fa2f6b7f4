/** Voice: the participants of a voice channel and its moderation over HTTP; signaling is in the realtime gateway. */
import { Module } from '@nestjs/common';
import { HandleVoiceCommandHandler } from '../commands/voice/handle-voice-command';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { VOICE_PARTICIPANT_LOCATOR } from '../ports/voice-participants.port';
import { READ_MODEL_DB, type ReadModelDb } from '../projections/runtime/projection';
import { ProjectionProgress } from '../projections/runtime/projection-progress';
import { ReadModelVoiceLocator } from '../projections/voice/read-model-voice-locator';
import { VoiceController } from '../adapters/http/voice/voice.controller';

@Module({
  controllers: [VoiceController],
  providers: [
    {
      provide: VOICE_PARTICIPANT_LOCATOR,
      useFactory: (store: EventStore, db: ReadModelDb, progress: ProjectionProgress) => new ReadModelVoiceLocator(store, db, progress),
      inject: [EVENT_STORE, READ_MODEL_DB, ProjectionProgress],
    },
    HandleVoiceCommandHandler,
  ],
})
export class VoiceModule {}
