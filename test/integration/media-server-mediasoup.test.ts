/** The media contract against mediasoup, where its worker runs; elsewhere it says it was skipped. */
import { describe, it } from 'vitest';
import { loadMediasoupWorker, MediasoupMediaServer } from '../../src/adapters/media/mediasoup-media-server';
import { mediaServerContract } from './media-server.contract';

const PORTS: [number, number] = [21200, 21399];

const workerRuns = await loadMediasoupWorker({ iceAddresses: ['127.0.0.1'], bindAddress: '127.0.0.1', portRange: PORTS, maxForwardedSpeakers: 3 }).then(
  (worker) => {
    worker.close();
    return true;
  },
  () => false,
);

if (workerRuns) {
  mediaServerContract('mediasoup', (config, listener) => MediasoupMediaServer.open(config, listener), PORTS);
} else {
  console.log('skipped: mediasoup worker not available');
  describe.skip('media server contract: mediasoup (skipped: mediasoup worker not available)', () => {
    it('needs the mediasoup worker', () => undefined);
  });
}
