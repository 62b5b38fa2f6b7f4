/** Voice for a gateway built from the opened infrastructure: commands through the given runner (or one of its own, standalone), media as configured. */
import { CommandRunner } from '../../commands/command-runner';
import { ReadModelVoiceLocator } from '../../projections/voice/read-model-voice-locator';
import { VoiceCommands } from '../../commands/voice/voice-commands';
import type { Infrastructure } from '../infrastructure';
import { openMediaServer } from '../media/media-server.factory';
import type { VoiceOptions } from './voice-signaling';

export function voiceOptionsOf(infrastructure: Infrastructure, runner?: CommandRunner): VoiceOptions {
  const { config, store, database, progress } = infrastructure;
  return {
    commands: new VoiceCommands(runner ?? new CommandRunner(store, config), new ReadModelVoiceLocator(store, database.db, progress)),
    openMedia: (listener) => openMediaServer(config, listener),
    graceMs: config.VOICE_GRACE_MS,
  };
}
