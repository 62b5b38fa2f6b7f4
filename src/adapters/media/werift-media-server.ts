/**
 * The werift SFU (pure TypeScript WebRTC, runs anywhere Node does): the default media server.
 * Rooms are made on first join and dropped when empty; sessions are werift peer connections.
 */
import type { RtpPacket } from 'werift';
import { icePolicyOf, type IcePolicy } from './ice-policy';
import type { MediaServer, MediaServerConfig, MediaServerListener, MediaServerStats, MediaSession, MediaSessionOptions } from './media-server.port';
import { WeriftParticipant, type ParticipantHost } from './werift-participant';
import { WeriftRoom } from './werift-room';

export class WeriftMediaServer implements MediaServer, ParticipantHost {
  readonly kind = 'werift';
  readonly policy: IcePolicy;
  private readonly rooms = new Map<string, WeriftRoom>();
  private readonly counters = { receivedPackets: 0, forwardedPackets: 0 };
  private gathering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: MediaServerConfig,
    private readonly listener: MediaServerListener,
  ) {
    this.policy = icePolicyOf(config);
  }

  async openSession(options: MediaSessionOptions): Promise<MediaSession> {
    const participant = new WeriftParticipant(this, options);
    this.roomOf(options.roomId).add(participant);
    return participant;
  }

  stats(): MediaServerStats {
    let sessions = 0;
    for (const room of this.rooms.values()) sessions += room.participants.size;
    return { rooms: this.rooms.size, sessions, ...this.counters };
  }

  async close(): Promise<void> {
    const participants = [...this.rooms.values()].flatMap((room) => [...room.participants.values()]);
    await Promise.all(participants.map((participant) => participant.close()));
  }

  serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.gathering.then(work);
    this.gathering = next.catch(() => undefined);
    return next;
  }

  onRtp(from: WeriftParticipant, packet: RtpPacket, level: number | undefined, first: boolean): void {
    this.rooms.get(from.roomId)?.onRtp(from, packet, level, first);
  }

  onClosed(participant: WeriftParticipant): void {
    const room = this.rooms.get(participant.roomId);
    if (!room) return;
    room.remove(participant);
    if (room.empty) {
      room.close();
      this.rooms.delete(room.id);
    }
  }

  private roomOf(roomId: string): WeriftRoom {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new WeriftRoom(roomId, this.config.maxForwardedSpeakers, this.listener, this.counters);
      this.rooms.set(roomId, room);
    }
    return room;
  }
}
