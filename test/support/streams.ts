/** JetStream streams of interrupted test runs are deleted before the suite. */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { TEST_NATS_URL } from './services';

export async function deleteTestStreams(): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith('TEST_')) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
