/**
 * Ephemeral signals between the clients of one channel (typing now; voice signaling later):
 * never stored. The gateway that receives one delivers it to its own other subscribers; this
 * bus carries it to the other gateway instances over NATS core (`signals.<prefix>.channel.<id>`).
 * Without NATS (embedded mode) there are no other instances.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { jsonOf } from './nats-json';

const signalSchema = z.object({
  instance: z.string(),
  topic: z.string(),
  type: z.enum(['typing.start', 'typing.stop']),
  userId: z.string(),
});

export type Signal = Omit<z.infer<typeof signalSchema>, 'instance'>;

export interface SignalBusOptions {
  nats?: NatsConnection;
  subjectPrefix: string;
  /** This gateway instance: its own signals, echoed back by NATS, are not delivered twice. */
  instance: string;
  /** A signal from another instance, to deliver to this instance's subscribers. */
  onSignal(signal: Signal): void;
  log: Logger;
}

const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

export class SignalBus {
  private subscription?: Subscription;

  constructor(private readonly options: SignalBusOptions) {}

  async start(): Promise<void> {
    const nc = this.options.nats;
    if (!nc) return;
    this.subscription = nc.subscribe(`signals.${this.options.subjectPrefix}.>`, {
      callback: (error, message) => {
        if (error) return this.options.log.warn({ err: error }, 'signal subscription failed');
        const parsed = signalSchema.safeParse(jsonOf(message.data));
        if (!parsed.success || parsed.data.instance === this.options.instance) return;
        const { instance: _instance, ...signal } = parsed.data;
        this.options.onSignal(signal);
      },
    });
    await nc.flush();
  }

  publish(signal: Signal): void {
    const nc = this.options.nats;
    if (!nc || nc.isClosed()) return;
    const [kind = '', id = ''] = signal.topic.split(':');
    nc.publish(`signals.${this.options.subjectPrefix}.${token(kind)}.${token(id)}`, JSON.stringify({ instance: this.options.instance, ...signal }));
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
