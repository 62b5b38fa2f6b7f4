/**
 * The mediasoup SFU, for production: one Router per voice channel, one WebRtcTransport per
 * participant (ICE-lite, DTLS server), the microphone as a Producer, one paused-or-running
 * Consumer per other speaker, and an AudioLevelObserver per room whose loudest N producers are
 * the only ones consumed (the rest stay paused) and whose volumes say who speaks. Clients see
 * the same SDP signaling as with werift, bridged by audio-sdp.ts.
 *
 * mediasoup is not a dependency: its install downloads a worker binary, which these machines
 * cannot. It is imported only when VOICE_MEDIA_SERVER=mediasoup, and this adapter is untested
 * here (its contract tests are skipped: "mediasoup worker not available").
 */
import type { MediaServer, MediaServerConfig, MediaServerListener, MediaServerStats, MediaSession, MediaSessionOptions } from './media-server.port';
import { applyingSdp, NegotiationError } from './media-server.port';
import { parseOffer, writeSdp, type AnswerSection, type OfferedAudio, type ServerTransport } from './audio-sdp';
import type { AudioLevelObserver, Consumer, MediasoupModule, Producer, Router, WebRtcTransport, Worker } from './mediasoup.types';

/** A variable, so that TypeScript does not look for the package at compile time. */
const MEDIASOUP = 'mediasoup';
const OPUS = { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48_000, channels: 2 };
const AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const SPEAKING_THRESHOLD_DBOV = -70;

export class MediasoupUnavailableError extends Error {
  override readonly name = 'MediasoupUnavailableError';
}

/** Loads mediasoup and starts a worker; throws MediasoupUnavailableError when either is missing. */
export async function loadMediasoupWorker(config: MediaServerConfig): Promise<Worker> {
  let mediasoup: MediasoupModule;
  try {
    mediasoup = (await import(MEDIASOUP)) as MediasoupModule;
  } catch (error) {
    throw new MediasoupUnavailableError(`mediasoup is not installed (npm install mediasoup@3 where its worker can be fetched): ${String(error)}`);
  }
  try {
    return await mediasoup.createWorker({ rtcMinPort: config.portRange[0], rtcMaxPort: config.portRange[1], logLevel: 'warn' });
  } catch (error) {
    throw new MediasoupUnavailableError(`the mediasoup worker does not start: ${String(error)}`);
  }
}

interface Room {
  router: Router;
  observer: AudioLevelObserver;
  sessions: Map<string, MediasoupSession>;
  speaking: Set<string>;
  /** Producer ids the observer last named loudest. */
  loudest: Set<string>;
  /** Producers of muted participants: consumed by no one. */
  silenced: Set<string>;
}

export class MediasoupMediaServer implements MediaServer {
  readonly kind = 'mediasoup';
  private readonly rooms = new Map<string, Promise<Room>>();

  private constructor(
    private readonly worker: Worker,
    private readonly config: MediaServerConfig,
    private readonly listener: MediaServerListener,
  ) {}

  static async open(config: MediaServerConfig, listener: MediaServerListener): Promise<MediasoupMediaServer> {
    return new MediasoupMediaServer(await loadMediasoupWorker(config), config, listener);
  }

  async openSession(options: MediaSessionOptions): Promise<MediaSession> {
    const room = await this.roomOf(options.roomId);
    const transport = await room.router.createWebRtcTransport({
      listenInfos: this.config.iceAddresses.map((announced) => ({
        protocol: 'udp' as const,
        ip: this.config.bindAddress ?? '0.0.0.0',
        announcedAddress: announced,
      })),
      enableUdp: true,
      enableTcp: false,
    });
    const session = new MediasoupSession(room, transport, options, () => this.forget(options.roomId, session));
    room.sessions.get(options.participantId)?.close();
    room.sessions.set(options.participantId, session);
    return session;
  }

  stats(): MediaServerStats {
    // mediasoup counts packets inside its worker (transport.getStats()); not mirrored here.
    return { rooms: this.rooms.size, sessions: 0, receivedPackets: 0, forwardedPackets: 0 };
  }

  async close(): Promise<void> {
    this.worker.close();
  }

  private roomOf(roomId: string): Promise<Room> {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = this.createRoom(roomId);
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private async createRoom(roomId: string): Promise<Room> {
    const router = await this.worker.createRouter({ mediaCodecs: [OPUS] });
    const observer = await router.createAudioLevelObserver({ maxEntries: this.config.maxForwardedSpeakers, threshold: SPEAKING_THRESHOLD_DBOV, interval: 200 });
    const room: Room = { router, observer, sessions: new Map(), speaking: new Set(), loudest: new Set(), silenced: new Set() };
    const participantOf = (producer: Producer) => [...room.sessions.values()].find((s) => s.producer?.id === producer.id)?.participantId;
    observer.on('volumes', (volumes) => {
      room.loudest = new Set(volumes.map((v) => v.producer.id));
      this.speakers(roomId, room, new Set(volumes.map((v) => participantOf(v.producer)).filter((id): id is string => id !== undefined)));
    });
    observer.on('silence', () => {
      room.loudest = new Set();
      this.speakers(roomId, room, new Set());
    });
    return room;
  }

  /** Who speaks now: tells the changes, and runs only the loudest producers' consumers. */
  private speakers(roomId: string, room: Room, now: Set<string>): void {
    for (const id of now) if (!room.speaking.has(id)) this.listener.speaking(roomId, id, true);
    for (const id of room.speaking) if (!now.has(id)) this.listener.speaking(roomId, id, false);
    room.speaking = now;
    for (const session of room.sessions.values()) session.applyLoudest();
  }

  private forget(roomId: string, session: MediasoupSession): void {
    void this.rooms.get(roomId)?.then(
      (room) => {
        if (room.sessions.get(session.participantId) === session) room.sessions.delete(session.participantId);
        for (const other of room.sessions.values()) other.dropConsumersOf(session);
        if (room.sessions.size === 0) {
          this.rooms.delete(roomId);
          room.router.close();
        }
      },
      () => undefined,
    );
  }
}

class MediasoupSession implements MediaSession {
  readonly roomId: string;
  readonly participantId: string;
  producer?: Producer;
  private readonly consumers = new Map<string, Consumer>();
  private uplink?: OfferedAudio;
  private version = 1;
  private receiving = true;
  private awaitingAnswer = false;

  constructor(
    private readonly room: Room,
    private readonly transport: WebRtcTransport,
    private readonly options: MediaSessionOptions,
    private readonly onClose: () => void,
  ) {
    this.roomId = options.roomId;
    this.participantId = options.participantId;
  }

  async answer(offerSdp: string): Promise<string> {
    if (this.awaitingAnswer) throw new NegotiationError('a voice.offer from the server awaits your voice.answer');
    const offer = await applyingSdp(offerSdp, async () => parseOffer(offerSdp));
    const uplink = offer.audio[0];
    if (!uplink) throw new NegotiationError('the offer has no audio m-line');
    if (!this.uplink) {
      this.uplink = uplink;
      // The client is the DTLS client (we answer setup:passive).
      await this.transport.connect({ dtlsParameters: { role: 'client', fingerprints: [offer.fingerprint] } });
      if ((uplink.direction === 'sendrecv' || uplink.direction === 'sendonly') && uplink.ssrc !== undefined) {
        this.producer = await this.transport.produce({
          kind: 'audio',
          rtpParameters: {
            mid: uplink.mid,
            codecs: [{ ...OPUS, payloadType: uplink.payloadType }],
            headerExtensions: uplink.extensions.filter((e) => e.uri === AUDIO_LEVEL || e.uri.endsWith('sdes:mid')),
            encodings: [{ ssrc: uplink.ssrc }],
            rtcp: { cname: uplink.cname },
          },
        });
        await this.room.observer.addProducer({ producerId: this.producer.id });
        for (const other of this.room.sessions.values()) if (other !== this) await other.consume(this);
      }
      for (const other of this.room.sessions.values()) if (other !== this && other.producer) await this.consume(other, false);
    }
    const sdp = writeSdp(this.transportOf(), this.sections('recvonly'), this.version++);
    if (this.consumers.size > 0) queueMicrotask(() => this.offer());
    return sdp;
  }

  async accept(answerSdp: string): Promise<void> {
    if (!this.awaitingAnswer) throw new NegotiationError('there is no voice.offer of the server to answer');
    await applyingSdp(answerSdp, async () => parseOffer(answerSdp)); // consumer parameters are the server's: the answer only has to be well formed
    this.awaitingAnswer = false;
  }

  async addIceCandidate(): Promise<void> {
    // ICE-lite: the server learns the client's address from the client's checks.
  }

  setSending(sending: boolean): void {
    if (!this.producer) return;
    const producerId = this.producer.id;
    if (sending) this.room.silenced.delete(producerId);
    else this.room.silenced.add(producerId);
    void this.room.observer[sending ? 'addProducer' : 'removeProducer']({ producerId }).catch(() => undefined);
    for (const other of this.room.sessions.values()) other.applyLoudest();
  }

  setReceiving(receiving: boolean): void {
    this.receiving = receiving;
    this.applyLoudest();
  }

  /** Consumers run for the loudest producers (all while the observer has named none), never while deafened. */
  applyLoudest(): void {
    const { loudest, silenced } = this.room;
    for (const consumer of this.consumers.values()) {
      const run = this.receiving && !silenced.has(consumer.producerId) && (loudest.size === 0 || loudest.has(consumer.producerId));
      void (run ? consumer.resume() : consumer.pause()).catch(() => undefined);
    }
  }

  async consume(from: MediasoupSession, renegotiate = true): Promise<void> {
    if (!from.producer || this.consumers.has(from.participantId)) return;
    const consumer = await this.transport.consume({ producerId: from.producer.id, rtpCapabilities: this.room.router.rtpCapabilities, paused: true });
    this.consumers.set(from.participantId, consumer);
    this.applyLoudest();
    if (renegotiate) this.offer();
  }

  dropConsumersOf(other: MediasoupSession): void {
    const consumer = this.consumers.get(other.participantId);
    if (!consumer) return;
    consumer.close();
    this.consumers.delete(other.participantId);
    this.offer();
  }

  async close(): Promise<void> {
    this.producer?.close();
    for (const consumer of this.consumers.values()) consumer.close();
    this.transport.close();
    this.onClose();
  }

  private offer(): void {
    if (!this.uplink) return;
    this.awaitingAnswer = true;
    this.options.onOffer(writeSdp(this.transportOf(), this.sections('recvonly'), this.version++));
  }

  private sections(uplinkDirection: 'recvonly'): AnswerSection[] {
    const uplink = this.uplink!;
    const sending = uplink.direction === 'sendrecv' || uplink.direction === 'sendonly';
    const first: AnswerSection = {
      mid: uplink.mid,
      direction: sending ? uplinkDirection : 'inactive',
      payloadType: uplink.payloadType,
      fmtp: uplink.fmtp,
      extensions: uplink.extensions,
    };
    const slots = [...this.consumers.entries()].map(([participantId, consumer]): AnswerSection => {
      const codec = consumer.rtpParameters.codecs[0]!;
      return {
        mid: consumer.rtpParameters.mid ?? `c-${consumer.id.slice(0, 8)}`,
        direction: 'sendonly',
        payloadType: codec.payloadType,
        extensions: consumer.rtpParameters.headerExtensions ?? [],
        source: { ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0, cname: consumer.rtpParameters.rtcp?.cname ?? participantId, streamId: participantId },
      };
    });
    return [first, ...slots];
  }

  private transportOf(): ServerTransport {
    const [fingerprint] = this.transport.dtlsParameters.fingerprints.filter((f) => f.algorithm === 'sha-256');
    return {
      ice: this.transport.iceParameters,
      candidates: this.transport.iceCandidates,
      fingerprint: fingerprint ?? this.transport.dtlsParameters.fingerprints[0]!,
    };
  }
}
