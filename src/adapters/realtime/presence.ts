/**
 * Presence: a user is `online` while one of their sockets (on any gateway instance) is online,
 * `idle` while all of them say idle, `offline` when there are none. Never stored. Each instance
 * knows its own sockets and announces its users on NATS core (`presence.<prefix>.*`): a change
 * at once, the whole picture every heartbeat, a goodbye when it stops. Every instance hears all
 * announcements and aggregates per user, forgetting an instance silent for three heartbeats (it
 * crashed), so every instance tells its own subscribers the same thing. Without NATS (embedded
 * mode) there is one instance and the aggregate is the local picture.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { jsonOf } from './nats-json';
import type { PresenceStatus } from './realtime.frames';

type SocketStatus = Exclude<PresenceStatus, 'offline'>;

const socketStatus = z.enum(['online', 'idle']);
/** `heartbeatMs`: the sender's own period, by which it is judged silent (instances may be configured apart). */
const sender = { instance: z.string(), heartbeatMs: z.number().int().positive() };
const announcementSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hello'), ...sender }),
  z.object({ kind: z.literal('state'), ...sender, users: z.record(z.string(), socketStatus) }),
  z.object({ kind: z.literal('update'), ...sender, userId: z.string(), status: z.enum(['online', 'idle', 'offline']) }),
  z.object({ kind: z.literal('bye'), ...sender }),
]);
type Announcement = z.infer<typeof announcementSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const MISSED_HEARTBEATS = 3;

export interface PresenceOptions {
  nats?: NatsConnection;
  /** Deployments sharing a NATS keep apart by their subject prefix. */
  subjectPrefix: string;
  heartbeatMs: number;
  /** The aggregate status of a user changed. */
  onChange(userId: string, status: PresenceStatus): void;
  log: Logger;
}

interface RemoteInstance {
  seenAt: number;
  heartbeatMs: number;
  users: Map<string, SocketStatus>;
}

/** `online` beats `idle` beats nothing. */
function combine(statuses: Iterable<SocketStatus | undefined>): PresenceStatus {
  let result: PresenceStatus = 'offline';
  for (const status of statuses) {
    if (status === 'online') return 'online';
    if (status === 'idle') result = 'idle';
  }
  return result;
}

export class PresenceTracker {
  readonly instance = randomUUID();
  /** userId → socketId → status, for this instance's sockets. */
  private readonly local = new Map<string, Map<number, SocketStatus>>();
  private readonly remote = new Map<string, RemoteInstance>();
  /** The aggregate last told; absent is offline. */
  private readonly told = new Map<string, SocketStatus>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: PresenceOptions) {}

  private get subject() {
    return `presence.${this.options.subjectPrefix}`;
  }

  async start(): Promise<void> {
    const nc = this.options.nats;
    if (!nc) return;
    this.subscription = nc.subscribe(`${this.subject}.*`, {
      callback: (error, message) => {
        if (error) return this.options.log.warn({ err: error }, 'presence subscription failed');
        const parsed = announcementSchema.safeParse(jsonOf(message.data));
        if (parsed.success) this.receive(parsed.data);
      },
    });
    // Others answer a hello with their state, so a new instance knows everyone within a round trip.
    this.announce({ kind: 'hello', instance: this.instance });
    await nc.flush();
    this.timer = setInterval(() => this.heartbeat(), this.options.heartbeatMs).unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.announce({ kind: 'bye', instance: this.instance });
    this.subscription?.unsubscribe();
    await this.options.nats?.flush().catch(() => undefined);
  }

  connected(socketId: number, userId: string): void {
    this.setLocal(socketId, userId, 'online');
  }

  setStatus(socketId: number, userId: string, status: SocketStatus): void {
    this.setLocal(socketId, userId, status);
  }

  disconnected(socketId: number, userId: string): void {
    this.setLocal(socketId, userId, undefined);
  }

  statusOf(userId: string): PresenceStatus {
    return combine([this.localStatus(userId), ...[...this.remote.values()].map((instance) => instance.users.get(userId))]);
  }

  private localStatus(userId: string): SocketStatus | undefined {
    const sockets = this.local.get(userId);
    return sockets ? (combine(sockets.values()) as SocketStatus) : undefined;
  }

  private setLocal(socketId: number, userId: string, status: SocketStatus | undefined): void {
    if (this.stopped) return;
    const before = this.localStatus(userId);
    const sockets = this.local.get(userId) ?? new Map<number, SocketStatus>();
    if (status) sockets.set(socketId, status);
    else sockets.delete(socketId);
    if (sockets.size > 0) this.local.set(userId, sockets);
    else this.local.delete(userId);
    const after = this.localStatus(userId);
    if (after === before) return;
    this.announce({ kind: 'update', instance: this.instance, userId, status: after ?? 'offline' });
    this.recompute([userId]);
  }

  private receive(announcement: Announcement): void {
    if (announcement.instance === this.instance || this.stopped) return;
    const known = this.remote.get(announcement.instance);
    const instance = known ?? { seenAt: 0, heartbeatMs: announcement.heartbeatMs, users: new Map<string, SocketStatus>() };
    instance.seenAt = Date.now();
    instance.heartbeatMs = announcement.heartbeatMs;
    switch (announcement.kind) {
      case 'hello':
        this.remote.set(announcement.instance, instance);
        this.announceState();
        return;
      case 'state': {
        const affected = new Set([...instance.users.keys(), ...Object.keys(announcement.users)]);
        instance.users = new Map(Object.entries(announcement.users));
        this.remote.set(announcement.instance, instance);
        return this.recompute(affected);
      }
      case 'update':
        if (announcement.status === 'offline') instance.users.delete(announcement.userId);
        else instance.users.set(announcement.userId, announcement.status);
        this.remote.set(announcement.instance, instance);
        return this.recompute([announcement.userId]);
      case 'bye':
        this.remote.delete(announcement.instance);
        return this.recompute(instance.users.keys());
    }
  }

  private heartbeat(): void {
    this.announceState();
    const now = Date.now();
    for (const [id, instance] of this.remote) {
      if (now - instance.seenAt <= MISSED_HEARTBEATS * instance.heartbeatMs) continue;
      this.options.log.warn({ instance: id }, 'gateway instance stopped heartbeating; forgetting its presence');
      this.remote.delete(id);
      this.recompute(instance.users.keys());
    }
  }

  private announceState(): void {
    const users: Record<string, SocketStatus> = {};
    for (const userId of this.local.keys()) users[userId] = this.localStatus(userId)!;
    this.announce({ kind: 'state', instance: this.instance, users });
  }

  private announce(announcement: DistributiveOmit<Announcement, 'heartbeatMs'>): void {
    const nc = this.options.nats;
    if (!nc || nc.isClosed()) return;
    nc.publish(`${this.subject}.${announcement.kind}`, JSON.stringify({ ...announcement, heartbeatMs: this.options.heartbeatMs }));
  }

  private recompute(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      const status = this.statusOf(userId);
      if (status === (this.told.get(userId) ?? 'offline')) continue;
      if (status === 'offline') this.told.delete(userId);
      else this.told.set(userId, status);
      this.options.onChange(userId, status);
    }
  }
}
