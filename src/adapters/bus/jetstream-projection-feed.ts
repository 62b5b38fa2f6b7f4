/**
 * Feeds one projection from its durable JetStream consumer. Messages are gathered as they
 * arrive (a busy stream makes big batches, a quiet one answers at once); each batch is applied
 * with its checkpoint in one transaction and acknowledged only after COMMIT. What the projector
 * did not settle (paused by a rebuild, a predecessor still missing, an error) is nak'ed in order
 * and comes back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Projector, FedEvent } from '../../projections/projector';
import { decodeEvent } from './event-wire';
import { consumerNameOf, ensureProjectionConsumer } from './jetstream-setup';

export interface JetStreamFeedOptions {
  stream: string;
  batchSize: number;
  ackWaitMs: number;
  onError?: (error: unknown, projection: string) => void;
  /** Test seam: runs after COMMIT and before the acks; throwing simulates a crash there. */
  beforeAck?: () => void;
}

const PAUSED_RETRY_MS = 250;
const ERROR_RETRY_MS = 1000;

export class JetStreamProjectionFeed {
  private readonly queue: JsMsg[] = [];
  private messages?: ConsumerMessages;
  private draining?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly projector: Projector,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamFeedOptions,
  ) {}

  async start(): Promise<void> {
    const { stream, batchSize, ackWaitMs } = this.options;
    const durable = consumerNameOf(this.projector.name);
    await this.projector.checkpoint();
    await ensureProjectionConsumer(this.jsm, stream, durable, { batchSize, ackWaitMs });
    const consumer = await this.js.consumers.get(stream, durable);
    this.messages = await consumer.consume({
      max_messages: batchSize * 2,
      callback: (message) => {
        this.queue.push(message);
        this.draining ??= this.drain().finally(() => (this.draining = undefined));
      },
    });
  }

  /** Stops taking messages and waits for the batch in hand; unacknowledged messages are redelivered. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, this.options.batchSize);
      const usable: JsMsg[] = [];
      const fed: FedEvent[] = [];
      for (const message of batch) {
        try {
          fed.push(decodeEvent(message.string(), message.headers));
          usable.push(message);
        } catch (error) {
          // Not an event this relay could have written; it can never be applied.
          this.options.onError?.(error, this.projector.name);
          message.term('undecodable event');
        }
      }
      try {
        const outcome = await this.projector.applyBatch(fed);
        this.options.beforeAck?.();
        usable.slice(0, outcome.settled).forEach((m) => m.ack());
        if (outcome.settled < usable.length) {
          // Stopped early: what is queued behind comes after the gap too, so it all goes back in order.
          const unsettled = [...usable.slice(outcome.settled), ...this.queue.splice(0)];
          unsettled.forEach((m) => m.nak(outcome.paused ? PAUSED_RETRY_MS : 0));
        }
        if (outcome.paused) await sleep(PAUSED_RETRY_MS);
      } catch (error) {
        if (this.stopped) return;
        this.options.onError?.(error, this.projector.name);
        await this.projector.recordError(error);
        [...usable, ...this.queue.splice(0)].forEach((m) => m.nak(ERROR_RETRY_MS));
        await sleep(ERROR_RETRY_MS);
      }
    }
  }
}
