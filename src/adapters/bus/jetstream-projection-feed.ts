/**
 * Feeds one projection from its durable JetStream consumer. Messages are gathered as they
 * arrive (a busy stream makes big batches, a quiet one answers at once); each batch is applied
 * with its checkpoint in one transaction and acknowledged only after COMMIT. When an event's
 * predecessor has not been applied (its redelivery is still on the way after a crash), the gap is
 * filled from the event log itself, the source of truth; the late redelivery is then skipped.
 * While a rebuild owns the projection, or after an error, messages are nak'ed and come back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Projector, FedEvent } from '../../projections/runtime/projector';
import type { EventStore } from '../../ports/event-store.port';
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
    private readonly store: EventStore,
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

  private async fillGap(after: number, upTo: number): Promise<void> {
    let position = after;
    while (position < upTo) {
      const events = (await this.store.readAll({ after: position, limit: this.options.batchSize })).filter((e) => e.position <= upTo);
      if (events.length === 0) throw new Error(`${this.projector.name}: events after ${position} up to ${upTo} are not readable from the log`);
      await this.projector.applyBatch(events.map((event) => ({ event })));
      position = events[events.length - 1]!.position;
    }
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
      let offset = 0;
      try {
        while (offset < fed.length) {
          const outcome = await this.projector.applyBatch(fed.slice(offset));
          this.options.beforeAck?.();
          usable.slice(offset, offset + outcome.settled).forEach((m) => m.ack());
          offset += outcome.settled;
          if (offset === fed.length) break;
          if (outcome.paused) {
            [...usable.slice(offset), ...this.queue.splice(0)].forEach((m) => m.nak(PAUSED_RETRY_MS));
            await sleep(PAUSED_RETRY_MS);
            break;
          }
          // A predecessor has not arrived (a redelivery still on its way): read it from the log.
          await this.fillGap(outcome.checkpoint, fed[offset]!.previousPosition!);
        }
      } catch (error) {
        if (this.stopped) return;
        this.options.onError?.(error, this.projector.name);
        await this.projector.recordError(error);
        [...usable.slice(offset), ...this.queue.splice(0)].forEach((m) => m.nak(ERROR_RETRY_MS));
        await sleep(ERROR_RETRY_MS);
      }
    }
  }
}
