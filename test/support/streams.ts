/** JetStream streams left by interrupted test runs are deleted once they are old; a running suite's are not touched. */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { TEST_NATS_URL } from './services';

export async function deleteStaleTestStreams(olderThanSeconds: number): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      const age = (Date.now() - new Date(info.created).getTime()) / 1000;
      if (/^(TEST|BENCH)_/.test(info.config.name) && age > olderThanSeconds) await jsm.streams.delete(info.config.name);
    }
  } finally {
    await nc.close();
  }
}
