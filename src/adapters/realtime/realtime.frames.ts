/**
 * The websocket protocol: frames clients send (validated with zod: they come from outside), frames
 * the gateway answers, and the error codes of error frames. Codes follow the problem codes of the
 * HTTP API where one fits, so clients switch on one table.
 */
import { z } from 'zod';
import { problemCodes } from '../http/problem-codes';
import { voiceClientFrames, type VoiceServerFrame } from './voice-frames';

const topic = z.string().min(1).max(200);

export const clientFrameSchema = z.discriminatedUnion('op', [
  /** `minPosition`: wait (bounded) until the read model has applied this `$all` position before checking access. */
  z.object({ op: z.literal('subscribe'), topic, minPosition: z.number().int().nonnegative().optional() }),
  z.object({ op: z.literal('unsubscribe'), topic }),
  z.object({ op: z.literal('ping') }),
  z.object({ op: z.literal('auth'), token: z.string().min(1).max(8192) }),
  z.object({ op: z.literal('typing.start'), topic }),
  z.object({ op: z.literal('typing.stop'), topic }),
  z.object({ op: z.literal('presence'), status: z.enum(['online', 'idle']) }),
  ...voiceClientFrames,
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

export const errorCodes = {
  unauthenticated: problemCodes.unauthenticated.code,
  forbidden: problemCodes.forbidden.code,
  invalidFrame: problemCodes.validationFailed.code,
  malformedJson: problemCodes.malformedBody.code,
  unknownTopic: problemCodes.notFound.code,
  notSubscribed: problemCodes.illegalState.code,
  notCaughtUp: problemCodes.projectionNotCaughtUp.code,
  shuttingDown: problemCodes.shuttingDown.code,
  internal: problemCodes.internal.code,
  rateLimited: problemCodes.rateLimited.code,
  tooManySubscriptions: problemCodes.tooManySubscriptions.code,
  /** Refusals of voice commands, as the HTTP API would answer them. */
  notFound: problemCodes.notFound.code,
  illegalState: problemCodes.illegalState.code,
  conflict: problemCodes.conflict.code,
  ruleViolated: problemCodes.ruleViolated.code,
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

export type PresenceStatus = 'online' | 'idle' | 'offline';

export type ServerFrame =
  | { op: 'subscribed'; topic: string }
  | { op: 'unsubscribed'; topic: string; reason?: string }
  | { op: 'pong' }
  | { op: 'authenticated'; expiresAt: number }
  | { op: 'error'; code: ErrorCode; message: string; topic?: string }
  | VoiceServerFrame
  /** A push: a read-model change (with its `$all` position) or an ephemeral signal (without). */
  | { topic: string; type: string; data: Record<string, unknown>; position?: number };

export const errorFrame = (code: ErrorCode, message: string, topic?: string): ServerFrame => ({
  op: 'error',
  code,
  message,
  ...(topic === undefined ? {} : { topic }),
});

/** Parses one text frame; the error frame to answer when it is not a frame we know. */
export function parseClientFrame(text: string): { frame: ClientFrame } | { error: ServerFrame } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: errorFrame(errorCodes.malformedJson, 'frames are JSON text') };
  }
  const parsed = clientFrameSchema.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const topicOf =
    typeof json === 'object' && json !== null && typeof (json as { topic?: unknown }).topic === 'string' ? (json as { topic: string }).topic : undefined;
  return { error: errorFrame(errorCodes.invalidFrame, `${where}${issue?.message ?? 'not a frame'}`, topicOf) };
}
