import { WeriftMediaServer } from '../../src/adapters/media/werift-media-server';
import { mediaServerContract } from './media-server.contract';

mediaServerContract('werift', async (config, listener) => new WeriftMediaServer(config, listener), [21000, 21199]);
