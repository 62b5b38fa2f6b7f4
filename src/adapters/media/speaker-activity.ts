/**
 * Who is loudest and who is speaking in a room. Loudness comes from each RTP packet's audio level
 * (RFC 6464 ssrc-audio-level: 0 is the loudest, 127 silence) or, when a client did not negotiate
 * that extension, from packet activity (Opus sends tiny packets, or none, in silence). It is
 * smoothed per sender and decays while a sender is quiet; speaking turns on and off at two
 * thresholds, and the speakers already forwarded keep a small advantage, so neither flickers.
 */
const MAX_LEVEL = 127;
/** Loudness of a packet without an audio level: a voiced Opus frame is larger than this. */
const VOICED_PAYLOAD_BYTES = 20;
const ACTIVITY_LOUDNESS = 60;
const SMOOTHING = 0.25;
/** Loudness halves every this many ms without packets. */
const HALF_LIFE_MS = 150;
const SPEAKING_ON = 45;
const SPEAKING_OFF = 30;
/** Speaking ends only after this long below SPEAKING_OFF: pauses between words are not silence. */
const HOLD_MS = 600;
const INCUMBENT_ADVANTAGE = 8;

interface Sender {
  loudness: number;
  heardAt: number;
  /** When it was last loud enough to count as speaking. */
  loudAt: number;
  speaking: boolean;
}

export interface SpeakingChange {
  participantId: string;
  speaking: boolean;
}

export class SpeakerActivity {
  private readonly senders = new Map<string, Sender>();

  /** One packet from a sender: `level` in -dBov when the audio-level extension carried it. */
  heard(participantId: string, level: number | undefined, payloadBytes: number, now: number): void {
    const loudness = level === undefined ? (payloadBytes > VOICED_PAYLOAD_BYTES ? ACTIVITY_LOUDNESS : 0) : MAX_LEVEL - Math.min(Math.max(level, 0), MAX_LEVEL);
    const sender = this.senders.get(participantId) ?? { loudness: 0, heardAt: now, loudAt: -Infinity, speaking: false };
    sender.loudness = decayed(sender, now) + (loudness - decayed(sender, now)) * SMOOTHING;
    sender.heardAt = now;
    this.senders.set(participantId, sender);
  }

  forget(participantId: string): void {
    this.senders.delete(participantId);
  }

  /** Updates who is speaking and answers what changed since the last call. */
  speakingChanges(now: number): SpeakingChange[] {
    const changes: SpeakingChange[] = [];
    for (const [participantId, sender] of this.senders) {
      const loudness = decayed(sender, now);
      if (loudness >= (sender.speaking ? SPEAKING_OFF : SPEAKING_ON)) sender.loudAt = now;
      const speaking = now - sender.loudAt <= (sender.speaking ? HOLD_MS : 0);
      if (speaking !== sender.speaking) {
        sender.speaking = speaking;
        changes.push({ participantId, speaking });
      }
    }
    return changes;
  }

  /** The candidates, loudest first; those in `incumbents` are ahead by a margin. */
  ranked(candidates: Iterable<string>, incumbents: ReadonlySet<string>, now: number): string[] {
    const score = (id: string) => {
      const sender = this.senders.get(id);
      return (sender ? decayed(sender, now) : 0) + (incumbents.has(id) ? INCUMBENT_ADVANTAGE : 0);
    };
    return [...candidates]
      .map((id) => ({ id, score: score(id) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .map(({ id }) => id);
  }
}

function decayed(sender: Sender, now: number): number {
  const quiet = Math.max(0, now - sender.heardAt);
  return sender.loudness * 0.5 ** (quiet / HALF_LIFE_MS);
}
