/**
 * How far each stage of the pipeline has got, observed when metrics are scraped: the relay's
 * position on JetStream, each projection's checkpoint and lag (in positions and in seconds), the
 * events it parked, and what its JetStream consumer still holds. Read from the database, the log
 * and JetStream rather than from this process's projectors, so any node reports them.
 *
 * `/metrics` is public, so those reads happen at most once per READ_AT_MOST_EVERY_MS whatever the
 * scrape rate: scrapes in between report the last reading (lag in seconds as it was then), and
 * scrapes during a reading share it.
 */
import { metrics, type BatchObservableCallback } from '@opentelemetry/api';
import type { Infrastructure } from '../infrastructure';
import { consumerNameOf } from '../bus/jetstream-setup';
import { readProjectionStatuses, type ProjectionStatus } from '../../projections/runtime/projection-status';

const SCOPE = 'switchboard.pipeline';
const READ_AT_MOST_EVERY_MS = 5_000;

interface PipelineReading {
  projections: readonly ProjectionStatus[];
  consumers: readonly { projection: string; pending: number; ackPending: number }[];
}

/** Starts observing; returns what stops it. */
export function observePipeline(infrastructure: Infrastructure, onError: (error: unknown) => void): () => void {
  const meter = metrics.getMeter(SCOPE);
  const relayPosition = meter.createObservableGauge('switchboard.relay.position', {
    description: 'Position of the last event this process relayed to JetStream',
  });
  const checkpoint = meter.createObservableGauge('switchboard.projection.checkpoint', { description: 'Position of the last event the projection applied' });
  const lagPositions = meter.createObservableGauge('switchboard.projection.lag.positions', {
    description: 'Head of the log minus the projection checkpoint (positions may be sparse: not a count of events)',
  });
  const lagSeconds = meter.createObservableGauge('switchboard.projection.lag.seconds', {
    description: 'Age of the oldest event the projection has not applied yet; 0 when caught up',
  });
  const parked = meter.createObservableGauge('switchboard.projection.parked', {
    description: 'Events the projection parked after its handler kept failing on them',
  });
  const pending = meter.createObservableGauge('switchboard.jetstream.consumer.pending', {
    description: "Messages on the stream not yet delivered to the projection's durable consumer",
  });
  const ackPending = meter.createObservableGauge('switchboard.jetstream.consumer.ack_pending', {
    description: "Messages delivered to the projection's durable consumer and not acknowledged yet",
  });

  const reading = atMostEvery(READ_AT_MOST_EVERY_MS, () => readPipeline(infrastructure, onError));
  const observe: BatchObservableCallback = async (result) => {
    const { relay } = infrastructure;
    if (relay) result.observe(relayPosition, relay.publishedPosition);
    const { projections, consumers } = await reading();
    for (const status of projections) {
      const attributes = { projection: status.name };
      result.observe(checkpoint, status.checkpoint, attributes);
      result.observe(lagPositions, status.lag.positions, attributes);
      result.observe(lagSeconds, status.lag.seconds, attributes);
      result.observe(parked, status.parked.count, attributes);
    }
    for (const consumer of consumers) {
      result.observe(pending, consumer.pending, { projection: consumer.projection });
      result.observe(ackPending, consumer.ackPending, { projection: consumer.projection });
    }
  };
  const observables = [relayPosition, checkpoint, lagPositions, lagSeconds, parked, pending, ackPending];
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}

/** One reading of the database and JetStream; what fails is reported and left out. */
async function readPipeline(infrastructure: Infrastructure, onError: (error: unknown) => void): Promise<PipelineReading> {
  const { nats, config } = infrastructure;
  const names = infrastructure.projectors.map((projector) => projector.name);
  const projections = readProjectionStatuses(infrastructure.database.db, infrastructure.store, names, { parkedLimit: 0 }).then(
    (statuses) => statuses.projections,
    (error: unknown) => {
      onError(error);
      return [];
    },
  );
  const consumers = (async () => {
    if (!nats) return [];
    const projectionOf = new Map(names.map((name) => [consumerNameOf(name), name]));
    const found: PipelineReading['consumers'][number][] = [];
    // One listing for the stream; a projection whose projector never ran has no consumer, and no sample.
    for await (const info of nats.jsm.consumers.list(config.NATS_STREAM)) {
      const projection = projectionOf.get(info.name);
      if (projection) found.push({ projection, pending: info.num_pending, ackPending: info.num_ack_pending });
    }
    return found;
  })().catch((error: unknown) => {
    onError(error);
    return [];
  });
  return { projections: await projections, consumers: await consumers };
}

/** `read` run at most once per `intervalMs` (counted from when it settled); calls in between, or during it, get its result. */
function atMostEvery<T>(intervalMs: number, read: () => Promise<T>): () => Promise<T> {
  let latest: Promise<T> | undefined;
  let settledAt = Infinity; // Infinity while a read is in flight: it is never stale
  return () => {
    if (latest && Date.now() - settledAt < intervalMs) return latest;
    settledAt = Infinity;
    latest = read().finally(() => (settledAt = Date.now()));
    return latest;
  };
}
