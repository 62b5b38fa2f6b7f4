/** Bodies and queries of the voice endpoints. */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { MAX_VOICE_USER_LIMIT, MIN_VOICE_USER_LIMIT } from '../../../domain/voice/voice-channel.decider';
import { minPositionQuery } from '../read-your-writes';

export class VoiceSettingsBody extends createZodDto(z.object({ userLimit: z.number().int().min(MIN_VOICE_USER_LIMIT).max(MAX_VOICE_USER_LIMIT) })) {}

export class VoiceParticipantBody extends createZodDto(z.object({ serverMuted: z.boolean() })) {}

export class VoiceReadQuery extends createZodDto(minPositionQuery) {}
