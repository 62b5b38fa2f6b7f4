/**
 * Per-socket limits: the settings uWS enforces itself (frame size, backpressure, idle time) and
 * a token bucket for the frames a client sends. A client over the rate is told once per streak
 * (answering every refused frame would double a flood); one that keeps on is disconnected.
 */
import type { Config } from '../../config';

export interface RealtimeLimits {
  maxPayloadBytes: number;
  maxSubscriptions: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
}

export type RealtimeLimitsConfig = Pick<
  Config,
  | 'REALTIME_MAX_PAYLOAD_BYTES'
  | 'REALTIME_MAX_SUBSCRIPTIONS'
  | 'REALTIME_MESSAGES_PER_SECOND'
  | 'REALTIME_MESSAGE_BURST'
  | 'REALTIME_MAX_BACKPRESSURE_BYTES'
  | 'REALTIME_IDLE_TIMEOUT_SECONDS'
>;

export function limitsFrom(config: RealtimeLimitsConfig): RealtimeLimits {
  return {
    maxPayloadBytes: config.REALTIME_MAX_PAYLOAD_BYTES,
    maxSubscriptions: config.REALTIME_MAX_SUBSCRIPTIONS,
    messagesPerSecond: config.REALTIME_MESSAGES_PER_SECOND,
    messageBurst: config.REALTIME_MESSAGE_BURST,
    maxBackpressureBytes: config.REALTIME_MAX_BACKPRESSURE_BYTES,
    idleTimeoutSeconds: config.REALTIME_IDLE_TIMEOUT_SECONDS,
  };
}

/** What to do with an incoming frame. */
export type Admission = 'accept' | 'refuse-and-tell' | 'refuse' | 'disconnect';

export class FrameRateLimiter {
  private tokens: number;
  private last: number;
  /** Frames refused since the last accepted one. */
  private strikes = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  admit(now = Date.now()): Admission {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.strikes = 0;
      return 'accept';
    }
    this.strikes += 1;
    // A whole burst's worth of refused frames in a row is no accident.
    if (this.strikes > this.burst) return 'disconnect';
    return this.strikes === 1 ? 'refuse-and-tell' : 'refuse';
  }
}
