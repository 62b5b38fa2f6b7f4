/**
 * The JetStream stream the relay fills and the durable consumers projectors read.
 * Both are created when absent, so a fresh NATS needs no manual step.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/** Redeliveries of a relay restart fall inside this window and are dropped by `Nats-Msg-Id`. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

export async function ensureEventsStream(jsm: JetStreamManager, name: string, subjectPrefix: string): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams
      .add({
        name,
        subjects: [`${subjectPrefix}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      })
      .catch(async (error: unknown) => {
        // Another node created it between our look and our add.
        await jsm.streams.info(name).catch(() => {
          throw error;
        });
      });
  }
}

export interface ProjectionConsumerOptions {
  batchSize: number;
  ackWaitMs: number;
}

export async function ensureProjectionConsumer(jsm: JetStreamManager, stream: string, durable: string, options: ProjectionConsumerOptions): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs),
    // Keeps redeliveries close to the front: at most two batches are ever in flight.
    max_ack_pending: options.batchSize * 2,
    max_deliver: -1,
  };
  try {
    const info = await jsm.consumers.info(stream, durable);
    if (info.config.ack_wait !== config.ack_wait || info.config.max_ack_pending !== config.max_ack_pending) {
      await jsm.consumers.update(stream, durable, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
    }
  } catch {
    await jsm.consumers.add(stream, config).catch(async (error: unknown) => {
      await jsm.consumers.info(stream, durable).catch(() => {
        throw error;
      });
    });
  }
}

export const consumerNameOf = (projection: string) => `projection-${projection.replace(/[^A-Za-z0-9_-]/g, '_')}`;
