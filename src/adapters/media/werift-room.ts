/**
 * One voice channel on the werift SFU: its participants, who among them sends, and which of the
 * senders are forwarded. Every few milliseconds it ranks the senders by loudness; each participant
 * gets the loudest N others on its slots. A packet from a sender outside anyone's slots is
 * dropped here, so the work per packet is bounded by N receivers' worth of forwarding per speaker.
 */
import type { RtpPacket } from 'werift';
import type { MediaServerListener } from './media-server.port';
import { SpeakerActivity } from './speaker-activity';
import type { WeriftParticipant } from './werift-participant';

const RANKING_INTERVAL_MS = 100;

export interface RoomCounters {
  receivedPackets: number;
  forwardedPackets: number;
}

export class WeriftRoom {
  readonly participants = new Map<string, WeriftParticipant>();
  private readonly activity = new SpeakerActivity();
  private readonly timer: NodeJS.Timeout;
  /** Senders on at least one slot, loudest first. */
  private forwarded: string[] = [];

  constructor(
    readonly id: string,
    private readonly maxSpeakers: number,
    private readonly listener: MediaServerListener,
    private readonly counters: RoomCounters,
  ) {
    this.timer = setInterval(() => this.rank(), RANKING_INTERVAL_MS).unref();
  }

  /** A participant's new session replaces its old one, which is closed once it is no longer in the room. */
  add(participant: WeriftParticipant): void {
    const replaced = this.participants.get(participant.participantId);
    this.participants.set(participant.participantId, participant);
    replaced?.close().catch(() => undefined);
    this.resizeSlots();
  }

  remove(participant: WeriftParticipant): void {
    if (this.participants.get(participant.participantId) !== participant) return;
    this.participants.delete(participant.participantId);
    this.activity.forget(participant.participantId);
    this.resizeSlots();
    this.rank();
  }

  get empty(): boolean {
    return this.participants.size === 0;
  }

  /** `first`: the sender's first packet, so it starts sending and everyone's slots are resized. */
  onRtp(from: WeriftParticipant, packet: RtpPacket, level: number | undefined, first: boolean): void {
    this.counters.receivedPackets++;
    if (first) this.resizeSlots();
    if (!from.sending) return;
    this.activity.heard(from.participantId, level, packet.payload.length, Date.now());
    if (!this.forwarded.includes(from.participantId)) return;
    const header = packet.header;
    // Its own header extensions would clash with the ids each receiver negotiated: each sender writes its own.
    header.extensions = [];
    const serialized = packet.serialize();
    for (const receiver of this.participants.values()) {
      if (receiver !== from && receiver.forward(from.participantId, serialized, header)) this.counters.forwardedPackets++;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Each participant gets one slot per other sender, up to N: grows when someone starts sending, shrinks when one leaves. */
  private resizeSlots(): void {
    const senders = [...this.participants.values()].filter((p) => p.live);
    for (const participant of this.participants.values()) {
      const others = senders.length - (participant.live ? 1 : 0);
      participant.resizeSlots(Math.min(this.maxSpeakers, others));
    }
    this.assign();
  }

  private rank(): void {
    const now = Date.now();
    for (const { participantId, speaking } of this.activity.speakingChanges(now)) this.listener.speaking(this.id, participantId, speaking);
    this.assign(now);
  }

  /** The loudest senders that may send, onto each participant's slots (never their own voice). */
  private assign(now = Date.now()): void {
    const candidates = [...this.participants.values()].filter((p) => p.live && p.sending).map((p) => p.participantId);
    const ranked = this.activity.ranked(candidates, new Set(this.forwarded), now);
    const forwarded = new Set<string>();
    for (const participant of this.participants.values()) {
      participant.assign(ranked.filter((id) => id !== participant.participantId));
      for (const id of ranked) if (participant.carries(id)) forwarded.add(id);
    }
    this.forwarded = ranked.filter((id) => forwarded.has(id));
  }
}
