/**
 * The media plane behind voice channels: a selective forwarding unit (SFU). Each participant has
 * one session, negotiated with SDP over the realtime gateway: the client offers first (its
 * microphone), the server answers; afterwards the server offers again whenever someone starts or
 * stops sending, and the client answers. Audio only (Opus). A room is one voice channel; only the
 * loudest few speakers of a room are forwarded, so cost grows with speakers, not with the square
 * of participants. Adapters: werift (pure TypeScript, the default) and mediasoup (optional).
 */

export interface MediaServerConfig {
  /** Host candidates announced to clients (never the machine's other addresses). */
  iceAddresses: readonly string[];
  /** The local address the UDP sockets bind to; unset binds every interface. */
  bindAddress?: string;
  /** Private remote ranges media may be checked with, when not loopback-only (e.g. `10.0.0.0/8` for clients on the LAN). */
  allowedRemoteCidrs?: readonly string[];
  /** Inclusive UDP port range for media. */
  portRange: readonly [number, number];
  /** How many speakers of a room are forwarded at once: the loudest ones. */
  maxForwardedSpeakers: number;
}

export interface MediaServerListener {
  /** A participant started or stopped speaking (from RTP audio levels, or packet activity). */
  speaking(roomId: string, participantId: string, speaking: boolean): void;
}

export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface MediaSessionOptions {
  roomId: string;
  participantId: string;
  /** The server wants to renegotiate: send this offer to the client, whose answer goes to `accept`. */
  onOffer(sdp: string): void;
}

export interface MediaSession {
  readonly roomId: string;
  readonly participantId: string;
  /** The client's offer; resolves with the server's answer. */
  answer(offerSdp: string): Promise<string>;
  /** The client's answer to the server's latest offer. */
  accept(answerSdp: string): Promise<void>;
  addIceCandidate(candidate: IceCandidateInit | null): Promise<void>;
  /** Whether this participant's audio reaches the others (self-mute, server-mute and deafen turn it off). */
  setSending(sending: boolean): void;
  /** Whether the others' audio reaches this participant (deafen turns it off). */
  setReceiving(receiving: boolean): void;
  close(): Promise<void>;
}

export interface MediaServerStats {
  rooms: number;
  sessions: number;
  /** RTP packets received from participants, and sent on to others, since start. */
  receivedPackets: number;
  forwardedPackets: number;
}

export interface MediaServer {
  readonly kind: 'werift' | 'mediasoup';
  openSession(options: MediaSessionOptions): Promise<MediaSession>;
  stats(): MediaServerStats;
  close(): Promise<void>;
}

/** An offer or answer out of turn (say, a client offer while the server's offer awaits its answer). */
export class NegotiationError extends Error {
  override readonly name = 'NegotiationError';
}

/** An SDP the media server cannot read or apply. */
export class InvalidSdpError extends Error {
  override readonly name = 'InvalidSdpError';
}

/** Applies a client's SDP: what fails to apply is the SDP's fault, unless it was a negotiation out of turn. */
export async function applyingSdp<T>(sdp: string, apply: () => Promise<T>): Promise<T> {
  if (!/^v=0\r?\n/.test(sdp) || !/\nm=audio /.test(sdp)) throw new InvalidSdpError('an SDP starts with v=0 and has an audio m-line');
  try {
    return await apply();
  } catch (error) {
    if (error instanceof NegotiationError || error instanceof InvalidSdpError) throw error;
    throw new InvalidSdpError(error instanceof Error ? error.message : String(error));
  }
}
