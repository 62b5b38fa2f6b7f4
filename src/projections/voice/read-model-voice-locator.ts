/**
 * Finds where a user is listed in voice from the participants read model, once the `voice`
 * projection has applied the log as it stood when asked. The wait is bounded: a projection that
 * lags longer is read as it is (a switch may then miss a join made within that lag).
 */
import type { EventStore } from '../../ports/event-store.port';
import type { VoiceParticipantLocator } from '../../ports/voice-participants.port';
import type { ReadModelDb } from '../runtime/projection';
import { ProjectionNotCaughtUpError, type ProjectionProgress } from '../runtime/projection-progress';
import { voiceChannelsOf } from './voice.queries';
import { voiceProjection } from './voice.projection';

const CATCH_UP_MS = 2_000;

export class ReadModelVoiceLocator implements VoiceParticipantLocator {
  constructor(
    private readonly store: Pick<EventStore, 'headPosition'>,
    private readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
  ) {}

  async channelsOf(userId: string): Promise<string[]> {
    try {
      await this.progress.waitFor(voiceProjection.name, await this.store.headPosition(), CATCH_UP_MS);
    } catch (error) {
      if (!(error instanceof ProjectionNotCaughtUpError)) throw error;
    }
    return voiceChannelsOf(this.db, userId);
  }
}
