/**
 * How far each stage of the pipeline has got, observed when metrics are scraped: the relay's
 * position on JetStream, each projection's checkpoint and lag (in positions and in seconds), the
 * events it parked, and what its JetStream consumer still holds. Read from the database, the log
 * and JetStream rather than from this process's projectors, so any node reports them.
 */
import { metrics, type BatchObservableCallback } from '@opentelemetry/api';
import type { Infrastructure } from '../infrastructure';
import { consumerNameOf } from '../bus/jetstream-setup';
import { readProjectionStatuses } from '../../projections/projection-status';

const SCOPE = 'switchboard.pipeline';

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
  const parked = meter.createObservableGauge('switchboard.projection.parked', { description: 'Events the projection parked after its handler kept failing on them' });
  const pending = meter.createObservableGauge('switchboard.jetstream.consumer.pending', {
    description: "Messages on the stream not yet delivered to the projection's durable consumer",
  });
  const ackPending = meter.createObservableGauge('switchboard.jetstream.consumer.ack_pending', {
    description: "Messages delivered to the projection's durable consumer and not acknowledged yet",
  });

  const names = infrastructure.projectors.map((projector) => projector.name);
  const observe: BatchObservableCallback = async (result) => {
    const { relay, nats, config } = infrastructure;
    if (relay) result.observe(relayPosition, relay.publishedPosition);
    try {
      const { projections } = await readProjectionStatuses(infrastructure.database.db, infrastructure.store, names, { parkedLimit: 0 });
      for (const status of projections) {
        const attributes = { projection: status.name };
        result.observe(checkpoint, status.checkpoint, attributes);
        result.observe(lagPositions, status.lag.positions, attributes);
        result.observe(lagSeconds, status.lag.seconds, attributes);
        result.observe(parked, status.parked.count, attributes);
      }
    } catch (error) {
      onError(error);
    }
    if (!nats) return;
    await Promise.all(
      names.map(async (projection) => {
        // No consumer yet (its projector never ran): nothing to report.
        const info = await nats.jsm.consumers.info(config.NATS_STREAM, consumerNameOf(projection)).catch(() => undefined);
        if (!info) return;
        result.observe(pending, info.num_pending, { projection });
        result.observe(ackPending, info.num_ack_pending, { projection });
      }),
    );
  };
  const observables = [relayPosition, checkpoint, lagPositions, lagSeconds, parked, pending, ackPending];
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
