/**
 * No ghosts in voice: a session whose gateway connection is gone for longer than the grace period
 * is ended by an event (`VoiceParticipantLeft`, reason `timed_out`). Two ways find such sessions:
 * - this instance saw the socket close: a timer fires after the grace period;
 * - every instance sweeps the participants read model now and then for users that presence (which
 *   knows the sockets of every gateway instance) has seen offline for the whole grace period: this
 *   catches sessions of an instance that crashed, or of a process that restarted.
 * Several instances may end the same session at once: the command id derives from the session
 * (itself unique per join), so the second append finds the first and records nothing.
 */
import type { Logger } from 'pino';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { voiceSessions, type VoiceSessionRow } from '../../projections/voice/voice.queries';
import type { PresenceTracker } from './presence';

export interface VoiceGhostOptions {
  graceMs: number;
  db: ReadModelDb;
  presence: Pick<PresenceTracker, 'statusOf'>;
  /** Whether one of this instance's open sockets holds the session. */
  hostedHere(session: VoiceSessionRow): boolean;
  /** Appends the end of the session (idempotently). */
  end(session: VoiceSessionRow): Promise<void>;
  log: Logger;
}

const keyOf = (s: VoiceSessionRow) => `${s.channelId}/${s.userId}/${s.sessionId}`;

export class VoiceGhostReaper {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly offlineSince = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(private readonly options: VoiceGhostOptions) {}

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), Math.max(250, Math.round(this.options.graceMs / 3))).unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** This instance's socket holding the session closed. */
  lost(session: VoiceSessionRow): void {
    if (this.stopped) return;
    const key = keyOf(session);
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.end(session);
    }, this.options.graceMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      const seen = new Set<string>();
      for (const session of await voiceSessions(this.options.db)) {
        const key = keyOf(session);
        seen.add(key);
        if (this.options.hostedHere(session) || this.options.presence.statusOf(session.userId) !== 'offline') {
          this.offlineSince.delete(key);
          continue;
        }
        const since = this.offlineSince.get(key) ?? now;
        this.offlineSince.set(key, since);
        if (now - since >= this.options.graceMs) await this.end(session);
      }
      for (const key of this.offlineSince.keys()) if (!seen.has(key)) this.offlineSince.delete(key);
    } catch (error) {
      this.options.log.warn({ err: error }, 'voice ghost sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async end(session: VoiceSessionRow): Promise<void> {
    try {
      await this.options.end(session);
    } catch (error) {
      this.options.log.warn({ err: error, ...session }, 'could not end a voice session whose connection is gone');
    }
  }
}
