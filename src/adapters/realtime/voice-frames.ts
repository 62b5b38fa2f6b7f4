/**
 * The voice part of the websocket protocol. Client frames: `voice.join` {channelId}, `voice.leave`,
 * `voice.offer` / `voice.answer` {sdp}, `voice.ice` {candidate}, `voice.mute` / `voice.unmute`,
 * `voice.deafen` / `voice.undeafen`. The gateway answers a join with `voice.joined` (the roster
 * read at the join's position), an offer with `voice.answer`, renegotiates with `voice.offer`,
 * and says `voice.left` when the session ends. Everyone in the channel gets pushes on topic
 * `voice:<channelId>`: `voice.user_joined`, `voice.user_left`, `voice.user_updated`,
 * `voice.limit_changed` (with their `$all` position) and `voice.speaking` (ephemeral, never stored).
 */
import { z } from 'zod';
import type { VoiceParticipantView } from '../../projections/voice/voice.queries';

const sdp = z
  .string()
  .min(1)
  .max(64 * 1024);
const iceCandidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
  usernameFragment: z.string().max(256).nullish(),
});

export const voiceClientFrames = [
  z.object({ op: z.literal('voice.join'), channelId: z.uuid().transform((id) => id.toLowerCase()) }),
  z.object({ op: z.literal('voice.leave') }),
  z.object({ op: z.literal('voice.offer'), sdp }),
  z.object({ op: z.literal('voice.answer'), sdp }),
  /** `null` ends the client's candidates. */
  z.object({ op: z.literal('voice.ice'), candidate: iceCandidate.nullable() }),
  z.object({ op: z.literal('voice.mute') }),
  z.object({ op: z.literal('voice.unmute') }),
  z.object({ op: z.literal('voice.deafen') }),
  z.object({ op: z.literal('voice.undeafen') }),
] as const;

export type VoiceClientFrame = z.infer<(typeof voiceClientFrames)[number]>;

const VOICE_OPS: ReadonlySet<string> = new Set(voiceClientFrames.map((frame) => frame.shape.op.value));

export const isVoiceFrame = <F extends { op: string }>(frame: F): frame is Extract<F, VoiceClientFrame> => VOICE_OPS.has(frame.op);

export type VoiceServerFrame =
  | { op: 'voice.joined'; channelId: string; sessionId: string; position: number; userLimit: number; participants: VoiceParticipantView[] }
  | { op: 'voice.left'; channelId: string; reason: string }
  | { op: 'voice.offer'; sdp: string }
  | { op: 'voice.answer'; sdp: string };

/** What clients call a voice channel's pushes. */
export const voiceTopic = (channelId: string) => `voice:${channelId}`;
/** The uWS topic those pushes are published on; its `/` keeps clients from subscribing to it by name. */
export const voiceChannelOf = (channelId: string) => `voice/${channelId}`;
