/**
 * The part of mediasoup's API (v3) the mediasoup adapter uses, declared here so that the adapter
 * typechecks where mediasoup is not installed (it is not a dependency: see the README). Shapes
 * follow mediasoup's own type declarations, reduced to the fields we read or pass.
 */
export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: Record<string, string | number>;
  rtcpFeedback?: { type: string; parameter?: string }[];
}

export interface RtpHeaderExtensionParameters {
  uri: string;
  id: number;
}

export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: { ssrc?: number }[];
  rtcp?: { cname?: string; reducedSize?: boolean };
}

export interface RtpCapabilities {
  codecs?: (Omit<RtpCodecParameters, 'payloadType'> & { kind: 'audio' | 'video'; preferredPayloadType?: number })[];
  headerExtensions?: { kind: 'audio' | 'video'; uri: string; preferredId: number; direction?: string }[];
}

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  address: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host';
}

export interface DtlsParameters {
  role?: 'auto' | 'client' | 'server';
  fingerprints: { algorithm: string; value: string }[];
}

export interface Producer {
  readonly id: string;
  close(): void;
}

export interface Consumer {
  readonly id: string;
  readonly producerId: string;
  readonly rtpParameters: RtpParameters;
  readonly paused: boolean;
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): void;
}

export interface WebRtcTransport {
  readonly id: string;
  readonly iceParameters: IceParameters;
  readonly iceCandidates: IceCandidate[];
  readonly dtlsParameters: DtlsParameters;
  connect(options: { dtlsParameters: DtlsParameters }): Promise<void>;
  produce(options: { kind: 'audio'; rtpParameters: RtpParameters }): Promise<Producer>;
  consume(options: { producerId: string; rtpCapabilities: RtpCapabilities; paused?: boolean }): Promise<Consumer>;
  close(): void;
}

export interface AudioLevelObserver {
  addProducer(options: { producerId: string }): Promise<void>;
  removeProducer(options: { producerId: string }): Promise<void>;
  on(event: 'volumes', listener: (volumes: { producer: Producer; volume: number }[]) => void): void;
  on(event: 'silence', listener: () => void): void;
  close(): void;
}

export interface Router {
  readonly rtpCapabilities: RtpCapabilities;
  createWebRtcTransport(options: {
    listenInfos: { protocol: 'udp'; ip: string; announcedAddress?: string; portRange?: { min: number; max: number } }[];
    enableUdp?: boolean;
    enableTcp?: boolean;
  }): Promise<WebRtcTransport>;
  createAudioLevelObserver(options: { maxEntries: number; threshold: number; interval: number }): Promise<AudioLevelObserver>;
  close(): void;
}

export interface Worker {
  createRouter(options: { mediaCodecs: NonNullable<RtpCapabilities['codecs']> }): Promise<Router>;
  close(): void;
}

export interface MediasoupModule {
  createWorker(options: { rtcMinPort?: number; rtcMaxPort?: number; logLevel?: 'debug' | 'warn' | 'error' | 'none' }): Promise<Worker>;
}
