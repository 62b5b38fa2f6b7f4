/**
 * The configured media server: werift unless VOICE_MEDIA_SERVER=mediasoup. The mediasoup package
 * is imported only then (by the adapter), so that a machine without it never touches it.
 */
import type { Config } from '../../config';
import type { MediaServer, MediaServerConfig, MediaServerListener } from './media-server.port';
import { WeriftMediaServer } from './werift-media-server';
import { MediasoupMediaServer } from './mediasoup-media-server';

type MediaConfig = Pick<
  Config,
  | 'VOICE_MEDIA_SERVER'
  | 'VOICE_ICE_ADDRESSES'
  | 'VOICE_ICE_BIND_ADDRESS'
  | 'VOICE_ICE_ALLOWED_REMOTE_CIDRS'
  | 'VOICE_UDP_PORT_MIN'
  | 'VOICE_UDP_PORT_MAX'
  | 'VOICE_MAX_FORWARDED_SPEAKERS'
>;

export function mediaServerConfigOf(config: MediaConfig): MediaServerConfig {
  return {
    iceAddresses: config.VOICE_ICE_ADDRESSES,
    bindAddress: config.VOICE_ICE_BIND_ADDRESS,
    allowedRemoteCidrs: config.VOICE_ICE_ALLOWED_REMOTE_CIDRS,
    portRange: [config.VOICE_UDP_PORT_MIN, config.VOICE_UDP_PORT_MAX],
    maxForwardedSpeakers: config.VOICE_MAX_FORWARDED_SPEAKERS,
  };
}

export async function openMediaServer(config: MediaConfig, listener: MediaServerListener): Promise<MediaServer> {
  const media = mediaServerConfigOf(config);
  if (config.VOICE_MEDIA_SERVER === 'mediasoup') return MediasoupMediaServer.open(media, listener);
  return new WeriftMediaServer(media, listener);
}
