/** The realtime gateway's websocket connections and the slow clients it dropped, observed when metrics are scraped. */
import { metrics, type BatchObservableCallback } from '@opentelemetry/api';
import type { RealtimeGateway } from '../realtime/realtime-gateway';

/** Starts observing; returns what stops it. */
export function observeRealtime(gateway: RealtimeGateway): () => void {
  const meter = metrics.getMeter('switchboard.realtime');
  const connections = meter.createObservableGauge('switchboard.realtime.connections', { description: 'Open websocket connections' });
  const dropped = meter.createObservableCounter('switchboard.realtime.dropped_slow_clients', {
    description: 'Clients dropped because they did not read fast enough (their buffered bytes reached the limit)',
  });
  const observe: BatchObservableCallback = (result) => {
    const stats = gateway.stats();
    result.observe(connections, stats.connections);
    result.observe(dropped, stats.droppedSlowClients);
  };
  meter.addBatchObservableCallback(observe, [connections, dropped]);
  return () => meter.removeBatchObservableCallback(observe, [connections, dropped]);
}
