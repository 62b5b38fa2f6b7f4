/**
 * One participant's media session on the werift SFU: a server-side RTCPeerConnection with the
 * client's microphone as its first m-line (the uplink) and up to N send-only "slots", each
 * carrying one of the room's loudest other speakers. Slots are added (and set inactive) by a
 * server offer when the number of others sending changes; which speaker a slot carries changes
 * without renegotiation: the slot's sender rewrites the SSRC and continues its own sequence.
 * Negotiation is one step at a time: the client's first offer, then server offers answered by
 * the client; a client offer while a server offer is unanswered is refused (NegotiationError).
 */
import {
  RtpPacket,
  RTP_EXTENSION_URI,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useAudioLevelIndication,
  useSdesMid,
  type CandidatePair,
  type RTCRtpTransceiver,
} from 'werift';
import { applyingSdp, NegotiationError, type IceCandidateInit, type MediaSession, type MediaSessionOptions } from './media-server.port';
import { socketTypeOf, type IcePolicy } from './ice-policy';

export interface ParticipantHost {
  policy: IcePolicy;
  /** Runs ICE gathering one session at a time: werift picks a free port in the range by probing, which two gatherers would race for. */
  serialized<T>(work: () => Promise<T>): Promise<T>;
  /** An RTP packet from this participant's microphone. */
  onRtp(from: WeriftParticipant, packet: RtpPacket, level: number | undefined, first: boolean): void;
  onClosed(participant: WeriftParticipant): void;
}

interface Slot {
  transceiver: RTCRtpTransceiver;
  speakerId: string | null;
  /** The next packet starts a new source: continue the slot's sequence and timestamps from it. */
  rebase: boolean;
}

const OPUS = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, rtcpFeedback: [{ type: 'transport-cc' }] });

export class WeriftParticipant implements MediaSession {
  readonly roomId: string;
  readonly participantId: string;
  sending = true;
  receiving = true;
  /** Its microphone's RTP has arrived: it counts as a sender. */
  live = false;
  private readonly pc: RTCPeerConnection;
  private readonly slots: Slot[] = [];
  private uplink?: RTCRtpTransceiver;
  private negotiated = false;
  private wantedSlots = 0;
  private renegotiationWanted = false;
  private busy: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly host: ParticipantHost,
    private readonly options: MediaSessionOptions,
  ) {
    this.roomId = options.roomId;
    this.participantId = options.participantId;
    const { policy } = host;
    this.pc = new RTCPeerConnection({
      codecs: { audio: [OPUS()] },
      headerExtensions: { audio: [useSdesMid(), useAudioLevelIndication()] },
      bundlePolicy: 'max-bundle',
      // werift's default asks a public STUN server for a reflexive candidate: none, only the configured addresses.
      iceServers: [],
      // Only the configured addresses: werift's own interface scan is switched off.
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [...policy.announced],
      iceInterfaceAddresses: policy.bindAddress ? { [socketTypeOf(policy.bindAddress)]: policy.bindAddress } : undefined,
      icePortRange: [policy.portRange[0], policy.portRange[1]],
      iceFilterCandidatePair: (pair: CandidatePair) => policy.allowsRemote(pair.remoteCandidate.host),
      iceFilterStunResponse: (_message, address) => policy.allowsRemote(address[0]),
    });
    const heard = new WeakSet<object>();
    this.pc.onTrack.subscribe((track) => {
      // werift announces the microphone's track again at every renegotiation: listen once.
      if (heard.has(track)) return;
      heard.add(track);
      track.onReceiveRtp.subscribe((packet, extensions) => {
        const first = !this.live;
        this.live = true;
        const level = extensions?.[RTP_EXTENSION_URI.audioLevelIndication] as { level: number } | undefined;
        host.onRtp(this, packet, level?.level, first);
      });
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') void this.close();
    });
  }

  answer(offerSdp: string): Promise<string> {
    return this.step(async () => {
      if (this.pc.signalingState !== 'stable') throw new NegotiationError('a voice.offer from the server awaits your voice.answer');
      await applyingSdp(offerSdp, () => this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp }));
      const unassigned = this.pc.getTransceivers().filter((t) => !this.slots.some((slot) => slot.transceiver === t));
      this.uplink ??= unassigned[0];
      if (!this.uplink) throw new NegotiationError('the offer has no audio m-line');
      // The server sends nothing on the uplink; it receives the microphone if the client sends one (werift records the client's direction reversed).
      for (const transceiver of unassigned) {
        const clientSends = transceiver.offerDirection === 'sendrecv' || transceiver.offerDirection === 'recvonly';
        transceiver.setDirection(transceiver === this.uplink && clientSends ? 'recvonly' : 'inactive');
      }
      const answer = await this.host.serialized(async () => {
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        return this.pc.localDescription!.sdp;
      });
      this.negotiated = true;
      if (this.applySlots()) this.renegotiationWanted = true;
      this.afterStep();
      return answer;
    });
  }

  accept(answerSdp: string): Promise<void> {
    return this.step(async () => {
      if (this.pc.signalingState !== 'have-local-offer') throw new NegotiationError('there is no voice.offer of the server to answer');
      await applyingSdp(answerSdp, () => this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp }));
      this.afterStep();
    });
  }

  async addIceCandidate(candidate: IceCandidateInit | null): Promise<void> {
    await this.pc.addIceCandidate(candidate ?? undefined);
  }

  setSending(sending: boolean): void {
    this.sending = sending;
  }

  setReceiving(receiving: boolean): void {
    this.receiving = receiving;
  }

  /** How many slots the client should have: one per other sender, up to N. Renegotiates when that changes. */
  resizeSlots(wanted: number): void {
    this.wantedSlots = wanted;
    // Before the client's first offer is in, a slot would take the place of its microphone's m-line.
    if (this.closed || !this.negotiated) return;
    if (this.applySlots()) this.renegotiate();
  }

  private applySlots(): boolean {
    const wanted = this.wantedSlots;
    const active = this.slots.filter((slot) => slot.transceiver.direction === 'sendonly');
    if (active.length === wanted) return false;
    for (const slot of active.slice(wanted)) {
      slot.transceiver.setDirection('inactive');
      slot.speakerId = null;
    }
    for (const slot of this.slots) {
      if (active.length >= wanted) break;
      if (slot.transceiver.direction === 'sendonly') continue;
      slot.transceiver.setDirection('sendonly');
      active.push(slot);
    }
    while (active.length < wanted) {
      const transceiver = this.pc.addTransceiver('audio', { direction: 'sendonly' });
      // One BUNDLE: the client's payload type and header extension ids hold on every m-line (browsers refuse a clash).
      if (this.uplink) {
        transceiver.codecs = [...this.uplink.codecs];
        transceiver.headerExtensions = [...this.uplink.headerExtensions];
      }
      const slot: Slot = { transceiver, speakerId: null, rebase: false };
      this.slots.push(slot);
      active.push(slot);
    }
    return true;
  }

  /** Which speakers the active slots carry: those staying keep their slot. */
  assign(speakerIds: readonly string[]): void {
    const active = this.slots.filter((slot) => slot.transceiver.direction === 'sendonly');
    const wanted = new Set(speakerIds.slice(0, active.length));
    for (const slot of active) if (slot.speakerId !== null && !wanted.has(slot.speakerId)) slot.speakerId = null;
    for (const slot of active) if (slot.speakerId !== null) wanted.delete(slot.speakerId);
    const incoming = [...wanted];
    for (const slot of active) {
      if (slot.speakerId !== null) continue;
      const next = incoming.shift();
      if (next === undefined) break;
      slot.speakerId = next;
      slot.rebase = true;
    }
  }

  /** The slot that carries `speakerId`'s audio to this participant, if any. */
  carries(speakerId: string): boolean {
    return this.slots.some((slot) => slot.speakerId === speakerId);
  }

  /** Sends one of `speakerId`'s packets (serialized, without header extensions) on its slot. */
  forward(speakerId: string, packet: Buffer, header: RtpPacket['header']): boolean {
    const slot = this.slots.find((s) => s.speakerId === speakerId);
    if (!slot || !this.receiving) return false;
    if (slot.rebase) {
      slot.transceiver.sender.replaceRTP(header, true);
      slot.rebase = false;
    }
    void slot.transceiver.sender.sendRtp(packet).catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.host.onClosed(this);
    await this.pc.close().catch(() => undefined);
  }

  private renegotiate(): void {
    this.renegotiationWanted = true;
    void this.step(async () => this.offerIfWanted()).catch(() => undefined);
  }

  /** After any completed step: the server's pending offer, if one is wanted and the client is not mid-negotiation. */
  private afterStep(): void {
    if (this.renegotiationWanted) void this.step(async () => this.offerIfWanted()).catch(() => undefined);
  }

  private async offerIfWanted(): Promise<void> {
    if (!this.renegotiationWanted || !this.negotiated || this.closed || this.pc.signalingState !== 'stable') return;
    this.renegotiationWanted = false;
    const offer = await this.host.serialized(async () => {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      return this.pc.localDescription!.sdp;
    });
    this.options.onOffer(offer);
  }

  /** Negotiation steps run one after another. */
  private step<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(() => {
      if (this.closed) throw new NegotiationError('the media session is closed');
      return work();
    });
    this.busy = next.catch(() => undefined);
    return next;
  }
}
