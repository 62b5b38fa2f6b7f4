/**
 * Where a user is listed in voice, as far as the read models know: a join leaves every other voice
 * channel the user is in first (src/commands/voice/voice-commands.ts). Implemented over the `voice`
 * view, read once it has caught up (bounded) with the log as it stood when asked.
 */
export interface VoiceParticipantLocator {
  channelsOf(userId: string): Promise<string[]>;
}

export const VOICE_PARTICIPANT_LOCATOR = Symbol('VoiceParticipantLocator');
