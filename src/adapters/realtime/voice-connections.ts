/**
 * The voice connections this gateway instance hosts, by socket, by session and by channel, so
 * that a change notice or a ghost sweep finds its connections without scanning them all.
 */
import type { MediaSession } from '../media/media-server.port';
import type { Socket } from './socket-state';

/** A socket's voice session. */
export interface VoiceConnection {
  ws: Socket;
  userId: string;
  channelId: string;
  sessionId: string;
  media: MediaSession;
  muted: boolean;
  deafened: boolean;
  serverMuted: boolean;
}

export class VoiceConnections {
  private readonly bySocket = new Map<number, VoiceConnection>();
  private readonly sessions = new Set<string>();
  private readonly byChannel = new Map<string, Set<VoiceConnection>>();

  get(socketId: number): VoiceConnection | undefined {
    return this.bySocket.get(socketId);
  }

  /** The socket's connection; one it had before is dropped (without being closed). */
  add(socketId: number, connection: VoiceConnection): void {
    this.remove(socketId);
    this.bySocket.set(socketId, connection);
    this.sessions.add(connection.sessionId);
    const channel = this.byChannel.get(connection.channelId) ?? new Set();
    this.byChannel.set(connection.channelId, channel.add(connection));
  }

  /** Drops the socket's connection, if it is `expected` (any, when not given); returns the dropped one. */
  remove(socketId: number, expected?: VoiceConnection): VoiceConnection | undefined {
    const connection = this.bySocket.get(socketId);
    if (!connection || (expected && connection !== expected)) return undefined;
    this.bySocket.delete(socketId);
    this.sessions.delete(connection.sessionId);
    const channel = this.byChannel.get(connection.channelId);
    channel?.delete(connection);
    if (channel?.size === 0) this.byChannel.delete(connection.channelId);
    return connection;
  }

  hosts(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** A copy: the caller may drop connections while going through it. */
  inChannel(channelId: string, userId?: string): VoiceConnection[] {
    const all = [...(this.byChannel.get(channelId) ?? [])];
    return userId === undefined ? all : all.filter((c) => c.userId === userId);
  }
}
