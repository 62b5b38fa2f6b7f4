/**
 * SessionRevocations over NATS core (`sessions.<prefix>.revoked`), so that every gateway instance
 * hears them, and straight to the listeners of this process (the in-process gateway, and embedded
 * mode, which has no NATS). A gateway in this process hears its own announcement twice; closing a
 * closed socket does nothing.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SessionRevocations } from '../../ports/session-revocations.port';
import type { Infrastructure } from '../infrastructure';
import { jsonOf } from './nats-json';

const revokedSchema = z.object({ sessionIds: z.array(z.string()).min(1) });

type Listener = (sessionIds: readonly string[]) => void;

export interface SessionRevocationBusOptions {
  nats?: NatsConnection;
  subjectPrefix: string;
  log: Logger;
}

export class SessionRevocationBus implements SessionRevocations {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly options: SessionRevocationBusOptions) {}

  private get subject(): string {
    return `sessions.${this.options.subjectPrefix}.revoked`;
  }

  async announce(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    for (const listener of this.listeners) listener(sessionIds);
    const nc = this.options.nats;
    if (!nc || nc.isClosed()) return;
    try {
      nc.publish(this.subject, JSON.stringify({ sessionIds }));
      // On its way before the command answers: the client that logged out may look at once.
      await nc.flush();
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not announce revoked sessions to the other gateways');
    }
  }

  /** Calls `onRevoked` for every announcement, from this process or another; returns the unsubscribe. */
  async listen(onRevoked: Listener): Promise<() => void> {
    this.listeners.add(onRevoked);
    const nc = this.options.nats;
    const subscription = nc?.subscribe(this.subject, {
      callback: (error, message) => {
        if (error) return this.options.log.warn({ err: error }, 'session revocation subscription failed');
        const parsed = revokedSchema.safeParse(jsonOf(message.data));
        if (parsed.success) onRevoked(parsed.data.sessionIds);
      },
    });
    // Registered with the server before the gateway says it is listening.
    await nc?.flush();
    return () => {
      this.listeners.delete(onRevoked);
      subscription?.unsubscribe();
    };
  }
}

/** The app's one bus: its identity handlers announce on it, its gateway listens (a standalone gateway makes its own). */
export const sessionRevocationBusOf = (infrastructure: Infrastructure, log: Logger) =>
  new SessionRevocationBus({ nats: infrastructure.nats?.nc, subjectPrefix: infrastructure.config.NATS_SUBJECT_PREFIX, log });
