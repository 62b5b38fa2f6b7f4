/**
 * Voice over the realtime gateway: a socket joins a voice channel (the join is a command, so only
 * members of a voice channel get in), then negotiates its media session with SDP frames. The media
 * session lives on this gateway instance, beside the socket. What the log says decides the rest:
 * the `voice` view's change notices become pushes to the channel, and a session ended elsewhere
 * (a moderator's disconnect, a switch from another connection, a timeout) or muted by a moderator
 * is applied here to the session this instance hosts.
 */
import type { Logger } from 'pino';
import { DomainError } from '../../domain/errors';
import { REPLACED_SESSION_RULE, type VoiceChannelEvent } from '../../domain/voice/voice-channel.decider';
import { derivedId, newCommandContext, type CommandContext } from '../../commands/command-context';
import { KeyedLanes } from '../../commands/keyed-lanes';
import type { VoiceCommands, VoiceRequest } from '../../commands/voice/voice-commands';
import type { ChangeNotice } from '../../ports/change-bus.port';
import type { CredentialStore } from '../../ports/identity.ports';
import type { ReadModelDb } from '../../projections/runtime/projection';
import { ProjectionNotCaughtUpError, type ProjectionProgress } from '../../projections/runtime/projection-progress';
import { voiceProjection } from '../../projections/voice/voice.projection';
import { voiceChannelView, type VoiceSessionRow } from '../../projections/voice/voice.queries';
import { InvalidSdpError, NegotiationError, type MediaServer, type MediaServerStats, type MediaServerListener } from '../media/media-server.port';
import { domainProblem } from '../http/problem-details.filter';
import type { PresenceTracker } from './presence';
import { errorCodes, errorFrame, type ErrorCode, type ServerFrame } from './realtime.frames';
import { sendFrame, type Socket, type SocketState } from './socket-state';
import { VoiceConnections, type VoiceConnection } from './voice-connections';
import { voiceChannelOf, voiceTopic, type VoiceClientFrame } from './voice-frames';
import { VoiceGhostReaper } from './voice-ghosts';
import { voicePushOf } from './voice-pushes';

export interface VoiceOptions {
  commands: VoiceCommands;
  openMedia(listener: MediaServerListener): Promise<MediaServer>;
  graceMs: number;
}

export interface VoiceSignalingOptions extends VoiceOptions {
  db: ReadModelDb;
  progress: ProjectionProgress;
  credentials: CredentialStore;
  presence: Pick<PresenceTracker, 'statusOf'>;
  publish(channel: string, frame: ServerFrame): void;
  log: Logger;
}

/** A refusal carries the code the HTTP API answers the same domain error with. */
// ErrorCode lists the codes the gateway itself sends; a domain error may carry any problem code.
const codeOf = (error: DomainError) => domainProblem(error).code as ErrorCode;

const now = () => new Date().toISOString();

export class VoiceSignaling {
  private readonly connections = new VoiceConnections();
  private readonly lanes = new KeyedLanes();
  private readonly ghosts: VoiceGhostReaper;
  private media?: MediaServer;

  constructor(private readonly options: VoiceSignalingOptions) {
    this.ghosts = new VoiceGhostReaper({
      graceMs: options.graceMs,
      db: options.db,
      presence: options.presence,
      log: options.log,
      hostedHere: (session) => this.connections.hosts(session.sessionId),
      end: (session) => this.endSession(session, 'timed_out'),
    });
  }

  async start(): Promise<void> {
    this.media = await this.options.openMedia({
      speaking: (channelId, userId, speaking) =>
        this.options.publish(voiceChannelOf(channelId), { topic: voiceTopic(channelId), type: 'voice.speaking', data: { userId, speaking } }),
    });
    this.ghosts.start();
    this.options.log.info({ media: this.media.kind }, 'voice media server ready');
  }

  async stop(): Promise<void> {
    // Sessions of this instance are left to the grace period: another instance's sweep, or this one restarted, ends them.
    this.ghosts.stop();
    await this.media?.close();
  }

  mediaStats(): MediaServerStats | undefined {
    return this.media?.stats();
  }

  /** Frames of one socket are handled one after another: a join, then its offer. */
  handle(ws: Socket, frame: VoiceClientFrame): Promise<void> {
    const state = ws.getUserData();
    return this.lanes
      .run(String(state.id), () => this.handleInTurn(ws, frame))
      .catch((error: unknown) => {
        if (error instanceof DomainError) return sendFrame(ws, errorFrame(codeOf(error), error.message, this.topicOf(state)));
        if (error instanceof NegotiationError) return sendFrame(ws, errorFrame(errorCodes.illegalState, error.message, this.topicOf(state)));
        if (error instanceof InvalidSdpError)
          return sendFrame(ws, errorFrame(errorCodes.invalidFrame, `the SDP could not be applied: ${error.message}`, this.topicOf(state)));
        throw error;
      });
  }

  /** The socket closed: its media goes now, its place in the channel after the grace period. */
  socketClosed(state: SocketState): void {
    const connection = this.connections.remove(state.id);
    if (!connection) return;
    void connection.media.close();
    const { channelId, userId, sessionId } = connection;
    this.ghosts.lost({ channelId, userId, sessionId });
  }

  onChange(change: ChangeNotice): void {
    if (change.view === voiceProjection.name) {
      const push = voicePushOf(change);
      if (push) this.options.publish(voiceChannelOf(change.key), push);
      this.applyToSessions(change);
    } else if (change.view === 'chat' && (change.type === 'ChannelMemberRemoved' || change.type === 'ChannelDeleted')) {
      const userId = change.type === 'ChannelMemberRemoved' ? (change.data as { userId?: string }).userId : undefined;
      for (const connection of this.connections.inChannel(change.key, userId)) {
        this.hangUp(connection, 'access_revoked');
        this.endSession(connection, 'access_revoked').catch((error: unknown) =>
          this.options.log.warn({ err: error, channelId: connection.channelId }, 'could not end a voice session whose access was revoked'),
        );
      }
    }
  }

  private async handleInTurn(ws: Socket, frame: VoiceClientFrame): Promise<void> {
    const state = ws.getUserData();
    if (state.closed) return;
    if (frame.op === 'voice.join') return this.join(ws, frame.channelId);
    const connection = this.connections.get(state.id);
    if (!connection) return sendFrame(ws, errorFrame(errorCodes.illegalState, 'join a voice channel first'));
    switch (frame.op) {
      case 'voice.leave': {
        // From a replaced session this records nothing, and the user's new session stays.
        const { channelId, userId, sessionId } = connection;
        await this.command(connection, { type: 'LeaveVoiceChannel', data: { channelId, userId, sessionId, reason: 'left', at: now() } });
        return this.hangUp(connection, 'left');
      }
      case 'voice.offer':
        return sendFrame(ws, { op: 'voice.answer', sdp: await connection.media.answer(frame.sdp) });
      case 'voice.answer':
        return connection.media.accept(frame.sdp);
      case 'voice.ice':
        return connection.media.addIceCandidate(frame.candidate);
      case 'voice.mute':
      case 'voice.unmute':
        return this.setSelf(connection, { muted: frame.op === 'voice.mute' });
      case 'voice.deafen':
      case 'voice.undeafen':
        return this.setSelf(connection, { deafened: frame.op === 'voice.deafen' });
    }
  }

  /** Recorded first (the event tells everyone), applied to the media once recorded: a refusal changes nothing. */
  private async setSelf(connection: VoiceConnection, change: { muted: boolean } | { deafened: boolean }): Promise<void> {
    const { channelId, userId, sessionId } = connection;
    const request: VoiceRequest =
      'muted' in change
        ? { type: 'SetSelfMute', data: { channelId, userId, sessionId, muted: change.muted, at: now() } }
        : { type: 'SetSelfDeafen', data: { channelId, userId, sessionId, deafened: change.deafened, at: now() } };
    try {
      await this.command(connection, request);
    } catch (error) {
      // Another connection took the session over: this one is stale, whatever the notice says later.
      if (error instanceof DomainError && error.rule === REPLACED_SESSION_RULE) return this.hangUp(connection, 'replaced');
      throw error;
    }
    Object.assign(connection, change);
    this.applyFlags(connection);
  }

  private async join(ws: Socket, channelId: string): Promise<void> {
    const state = ws.getUserData();
    const { userId, sessionId: authSession } = state.identity;
    const access = await this.options.credentials.accessOf(authSession, userId);
    if (!access) return sendFrame(ws, errorFrame(errorCodes.unauthenticated, 'the session has ended or the account is deactivated'));
    if (!access.permissions.has('voice:join')) return sendFrame(ws, errorFrame(errorCodes.forbidden, 'your role lacks voice:join', voiceTopic(channelId)));
    const previous = this.connections.get(state.id);
    const context = newCommandContext({ actorId: userId });
    const sessionId = derivedId(context.commandId, 'voice-session');
    let result;
    try {
      result = await this.options.commands.execute(
        { type: 'JoinVoiceChannel', data: { channelId, userId, sessionId, at: now() } },
        context,
        previous?.channelId,
      );
    } catch (error) {
      if (error instanceof DomainError) return sendFrame(ws, errorFrame(codeOf(error), error.message, voiceTopic(channelId)));
      throw error;
    }
    if (previous) this.hangUp(previous, previous.channelId === channelId ? 'replaced' : 'switched');
    const session: VoiceSessionRow = { channelId, userId, sessionId };
    if (state.closed) return this.ghosts.lost(session);
    const media = await this.media!.openSession({ roomId: channelId, participantId: userId, onOffer: (sdp) => sendFrame(ws, { op: 'voice.offer', sdp }) });
    if (state.closed) {
      await media.close();
      return this.ghosts.lost(session);
    }
    const connection: VoiceConnection = { ws, ...session, media, muted: false, deafened: false, serverMuted: false };
    this.connections.add(state.id, connection);
    ws.subscribe(voiceChannelOf(channelId));
    const roster = await this.rosterAt(channelId, result.position);
    connection.serverMuted = roster.participants.find((p) => p.userId === userId)?.serverMuted ?? false;
    this.applyFlags(connection);
    sendFrame(ws, { op: 'voice.joined', channelId, sessionId, position: result.position, ...roster });
  }

  /** The channel's roster once the read model has the join; as it stands if it lags past the bound. */
  private async rosterAt(channelId: string, position: number) {
    try {
      await this.options.progress.waitFor(voiceProjection.name, position);
    } catch (error) {
      if (!(error instanceof ProjectionNotCaughtUpError)) throw error;
    }
    const { userLimit, participants } = await voiceChannelView(this.options.db, channelId);
    return { userLimit, participants };
  }

  private applyToSessions(change: ChangeNotice): void {
    const type = change.type as VoiceChannelEvent['type'];
    const data = change.data as { userId?: string; sessionId?: string; muted?: boolean };
    for (const connection of this.connections.inChannel(change.key, data.userId)) {
      if (type === 'VoiceParticipantLeft' && data.sessionId === connection.sessionId) this.hangUp(connection, (change.data as { reason: string }).reason);
      // Joined again from another connection: this one's session was replaced.
      if (type === 'VoiceParticipantJoined' && data.sessionId !== connection.sessionId) this.hangUp(connection, 'replaced');
      if (type === 'VoiceServerMuteChanged') {
        connection.serverMuted = data.muted === true;
        this.applyFlags(connection);
      }
    }
  }

  private applyFlags(connection: VoiceConnection): void {
    connection.media.setSending(!connection.muted && !connection.deafened && !connection.serverMuted);
    connection.media.setReceiving(!connection.deafened);
  }

  /** Ends this instance's part of a session: media, pushes, and tells the client why. */
  private hangUp(connection: VoiceConnection, reason: string): void {
    const state = connection.ws.getUserData();
    if (!this.connections.remove(state.id, connection)) return;
    void connection.media.close();
    if (state.closed) return;
    connection.ws.unsubscribe(voiceChannelOf(connection.channelId));
    sendFrame(connection.ws, { op: 'voice.left', channelId: connection.channelId, reason });
  }

  private async endSession(session: VoiceSessionRow, reason: 'timed_out' | 'access_revoked'): Promise<void> {
    // The same id from every instance and every path: a session ends once.
    const commandId = derivedId(session.sessionId, `voice-session-ended:${reason}`);
    const context: CommandContext = { commandId, actorId: null, correlationId: commandId, causationId: commandId };
    await this.options.commands.execute({ type: 'EndVoiceSession', data: { ...session, reason, at: now() } }, context);
  }

  private command(connection: VoiceConnection, request: VoiceRequest) {
    return this.options.commands.execute(request, newCommandContext({ actorId: connection.userId }));
  }

  private topicOf(state: SocketState): string | undefined {
    const connection = this.connections.get(state.id);
    return connection ? voiceTopic(connection.channelId) : undefined;
  }
}
