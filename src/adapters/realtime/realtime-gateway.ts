/**
 * The realtime gateway: websockets on uWebSockets.js at `/realtime`, on a port of its own.
 * It authenticates at the upgrade (refusing with 401 before any websocket exists), fans change
 * notices out through uWS topics, carries ephemeral signals and presence between instances, and
 * bounds every client: frame size, frame rate, subscriptions, and the memory a slow reader may
 * hold (it is dropped, and counted). Runs inside the app (RealtimeModule) or alone (`npm run gateway`).
 */
import uWS, { type HttpResponse, type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { ChangeBus, ChangeNotice } from '../../ports/change-bus.port';
import type { CredentialStore, TokenIssuer } from '../../ports/identity.ports';
import type { ReadModelDb } from '../../projections/runtime/projection';
import type { ProjectionProgress } from '../../projections/runtime/projection-progress';
import { respond, withSecurityHeaders } from './secure-answers';
import { revocationsOf, SocketRevoker } from './access-revocation';
import { topicsOfChange } from './change-topics';
import { FrameHandler, presencePush } from './frame-handler';
import { PresenceTracker } from './presence';
import { errorCodes, errorFrame, parseClientFrame, type ServerFrame } from './realtime.frames';
import { SignalBus, type Signal } from './signal-bus';
import type { SessionRevocationBus } from './session-revocation-bus';
import { SocketAuthenticator } from './socket-auth';
import { upgradeSocket } from './socket-upgrade';
import { limitsFrom, type RealtimeLimits, type RealtimeLimitsConfig } from './socket-limits';
import { scheduleExpiry, sendFrame, type Socket, type SocketState } from './socket-state';
import { TopicAuthorizer } from './topic-authorizer';
import { VoiceSignaling, type VoiceOptions } from './voice-signaling';
import type { MediaServerStats } from '../media/media-server.port';
import { tracedPush } from '../telemetry/push-tracing';
import { PROMETHEUS_CONTENT_TYPE } from '../telemetry/prometheus-metrics';

export const REALTIME_PATH = '/realtime';

export type RealtimeConfig = RealtimeLimitsConfig & Pick<Config, 'REALTIME_PORT' | 'REALTIME_HOST' | 'REALTIME_PRESENCE_HEARTBEAT_MS' | 'NATS_SUBJECT_PREFIX'>;

export interface RealtimeGatewayOptions {
  config: RealtimeConfig;
  db: ReadModelDb;
  progress: ProjectionProgress;
  changes: ChangeBus;
  /** NATS core for signals and presence across instances; without it they stay in this process. */
  nats?: NatsConnection;
  tokens: TokenIssuer;
  credentials: CredentialStore;
  /** The event store's head, for read-your-writes subscribes. */
  headPosition: () => Promise<number>;
  /** Where revoked sessions are announced: their sockets close at once. */
  sessions: SessionRevocationBus;
  log: Logger;
  /** Prometheus text for `GET /metrics` on the gateway's port; the standalone gateway sets it. */
  scrapeMetrics?: () => Promise<string>;
  /** Voice channels: signaling on these sockets and the media sessions behind them. */
  voice?: VoiceOptions;
}

export interface RealtimeStats {
  connections: number;
  droppedSlowClients: number;
  /** The media server's counters, when this gateway serves voice. */
  voice?: MediaServerStats;
}

const decoder = new TextDecoder();

export class RealtimeGateway {
  private readonly limits: RealtimeLimits;
  private readonly authenticator: SocketAuthenticator;
  private readonly presence: PresenceTracker;
  private readonly signals: SignalBus;
  private readonly frames: FrameHandler;
  private readonly voice?: VoiceSignaling;
  private readonly sockets = new Set<Socket>();
  private readonly revoker: SocketRevoker;
  private stopSessions?: () => void;
  private app?: TemplatedApp;
  private listenSocket?: us_listen_socket;
  private boundPort?: number;
  private stopChanges?: () => void;
  private started = false;
  private stopping = false;
  private nextSocketId = 1;
  private droppedSlowClients = 0;

  constructor(private readonly options: RealtimeGatewayOptions) {
    const { config, nats, log } = options;
    this.limits = limitsFrom(config);
    this.authenticator = new SocketAuthenticator(options.tokens, options.credentials);
    const subjectPrefix = config.NATS_SUBJECT_PREFIX;
    this.presence = new PresenceTracker({
      nats,
      subjectPrefix,
      heartbeatMs: config.REALTIME_PRESENCE_HEARTBEAT_MS,
      log,
      onChange: (userId, status) => this.publish(`presence:${userId}`, presencePush(userId, status)),
    });
    this.signals = new SignalBus({ nats, subjectPrefix, instance: this.presence.instance, log, onSignal: (signal) => this.deliverSignal(signal) });
    if (options.voice) {
      const { db, progress, credentials } = options;
      this.voice = new VoiceSignaling({
        ...options.voice,
        db,
        progress,
        credentials,
        log,
        presence: this.presence,
        publish: (channel, frame) => this.publish(channel, frame),
      });
    }
    const authorizer = new TopicAuthorizer(options.db, options.progress, options.headPosition);
    this.revoker = new SocketRevoker(this.sockets, authorizer, log);
    this.frames = new FrameHandler({
      authorizer,
      authenticator: this.authenticator,
      presence: this.presence,
      signals: this.signals,
      maxSubscriptions: this.limits.maxSubscriptions,
      voice: this.voice,
    });
  }

  /** The port it listens on (the chosen one when configured with 0). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the realtime gateway is not listening');
    return this.boundPort;
  }

  stats(): RealtimeStats {
    return { connections: this.sockets.size, droppedSlowClients: this.droppedSlowClients, voice: this.voice?.mediaStats() };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config, log } = this.options;
    await this.presence.start();
    await this.signals.start();
    await this.voice?.start();
    this.stopSessions = await this.options.sessions.listen((sessionIds) => this.revoker.apply({ kind: 'sessions', sessionIds }));
    this.stopChanges = this.options.changes.subscribe('>', (change) => tracedPush(change, () => this.fanOut(change)));
    const app = uWS
      .App()
      .ws<SocketState>(REALTIME_PATH, {
        maxPayloadLength: this.limits.maxPayloadBytes,
        maxBackpressure: this.limits.maxBackpressureBytes,
        // Typed as a number in this build's index.d.ts; uWS reads it as a flag.
        closeOnBackpressureLimit: 1,
        idleTimeout: this.limits.idleTimeoutSeconds,
        sendPingsAutomatically: true,
        upgrade: (res, req, context) =>
          upgradeSocket(
            {
              authenticator: this.authenticator,
              limits: this.limits,
              log,
              isStopping: () => this.stopping,
              nextSocketId: () => this.nextSocketId++,
            },
            res,
            req,
            context,
          ),
        open: (ws) => this.open(ws),
        message: (ws, message, isBinary) => this.message(ws, message, isBinary),
        dropped: (ws) => this.dropSlowClient(ws),
        close: (ws) => this.closed(ws),
      })
      .get('/health/live', (res) => {
        withSecurityHeaders(res).writeHeader('content-type', 'application/json').end('{"status":"ok"}');
      })
      .get('/metrics', (res) => this.serveMetrics(res))
      .any('/*', (res) => respond(res, 'notFound', `websockets are served at ${REALTIME_PATH}`));
    const listenSocket = await new Promise<us_listen_socket | false>((resolve) => app.listen(config.REALTIME_HOST, config.REALTIME_PORT, resolve));
    if (!listenSocket) {
      app.close();
      await this.stop();
      throw new Error(`the realtime gateway cannot listen on ${config.REALTIME_HOST}:${config.REALTIME_PORT}`);
    }
    this.app = app;
    this.listenSocket = listenSocket;
    this.boundPort = uWS.us_socket_local_port(listenSocket);
    log.info(
      { port: this.boundPort, instance: this.presence.instance },
      `realtime gateway listening on ws://${config.REALTIME_HOST}:${this.boundPort}${REALTIME_PATH}`,
    );
  }

  /** Says goodbye (1001, so clients reconnect elsewhere), leaves the bus and NATS, stops listening. */
  async stop(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    this.stopChanges?.();
    this.stopChanges = undefined;
    this.stopSessions?.();
    this.signals.stop();
    await this.voice?.stop();
    await this.presence.stop();
    for (const ws of [...this.sockets]) ws.end(1001, 'server shutting down');
    if (this.listenSocket) uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
    this.app?.close();
    this.app = undefined;
    this.boundPort = undefined;
  }

  /** A standalone gateway has no API port: it serves its Prometheus metrics here (`scrapeMetrics`). */
  private serveMetrics(res: HttpResponse): void {
    const scrape = this.options.scrapeMetrics;
    if (!scrape) return respond(res, 'notFound', 'metrics are served on the API port');
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    scrape().then(
      (text) => {
        if (!aborted) res.cork(() => withSecurityHeaders(res).writeHeader('content-type', PROMETHEUS_CONTENT_TYPE).end(text));
      },
      (error: unknown) => {
        this.options.log.error({ err: error }, 'metrics scrape failed');
        if (!aborted) res.cork(() => respond(res, 'internal', 'the metrics could not be collected'));
      },
    );
  }

  private open(ws: Socket): void {
    const state = ws.getUserData();
    if (this.stopping) return ws.end(1001, 'server shutting down');
    this.sockets.add(ws);
    this.presence.connected(state.id, state.identity.userId);
    scheduleExpiry(ws);
  }

  private message(ws: Socket, message: ArrayBuffer, isBinary: boolean): void {
    const state = ws.getUserData();
    // The buffer is neutered when this returns: decode first.
    const text = decoder.decode(message);
    switch (state.limiter.admit()) {
      case 'disconnect':
        return ws.end(1008, 'rate limit exceeded');
      case 'refuse-and-tell':
        return sendFrame(ws, errorFrame(errorCodes.rateLimited, `at most ${this.limits.messagesPerSecond} frames per second`));
      case 'refuse':
        return;
      case 'accept':
        break;
    }
    if (isBinary) return sendFrame(ws, errorFrame(errorCodes.invalidFrame, 'frames are JSON text'));
    const parsed = parseClientFrame(text);
    if ('error' in parsed) return sendFrame(ws, parsed.error);
    this.frames.handle(ws, parsed.frame).catch((error: unknown) => {
      this.options.log.error({ err: error, op: parsed.frame.op }, 'realtime frame failed');
      sendFrame(ws, errorFrame(errorCodes.internal, 'internal error', 'topic' in parsed.frame ? parsed.frame.topic : undefined));
    });
  }

  private closed(ws: Socket): void {
    const state = ws.getUserData();
    state.closed = true;
    clearTimeout(state.expiryTimer);
    this.sockets.delete(ws);
    this.voice?.socketClosed(state);
    // Not from inside this handler: uWS may be closing the socket in the middle of a publish.
    queueMicrotask(() => this.presence.disconnected(state.id, state.identity.userId));
  }

  /** A message was dropped because the client does not read: it goes, rather than hold memory. */
  private dropSlowClient(ws: Socket): void {
    const state = ws.getUserData();
    if (state.slow) return;
    state.slow = true;
    this.droppedSlowClients += 1;
    this.options.log.warn({ userId: state.identity.userId }, 'dropping a slow realtime client');
    // closeOnBackpressureLimit closes it too; this is the backstop, outside the publish that got here.
    setImmediate(() => {
      if (!state.closed) ws.close();
    });
  }

  private fanOut(change: ChangeNotice): void {
    this.voice?.onChange(change);
    for (const { channel, topic } of topicsOfChange(change)) {
      this.publish(channel, { topic, type: change.type, data: change.data, position: change.position });
    }
    for (const revocation of revocationsOf(change)) this.revoker.apply(revocation);
  }

  private deliverSignal({ topic, type, userId }: Signal): void {
    this.publish(topic, { topic, type, data: { userId } });
  }

  private publish(channel: string, frame: ServerFrame): void {
    const app = this.app;
    if (!app || this.stopping || app.numSubscribers(channel) === 0) return;
    app.publish(channel, JSON.stringify(frame));
  }
}
