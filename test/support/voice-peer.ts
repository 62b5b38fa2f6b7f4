/**
 * A real WebRTC client in Node (@roamhq/wrtc, libwebrtc) for voice tests and the voice benchmark:
 * it offers its microphone (a generated sine tone fed in 10 ms frames, or nothing), answers the
 * server's renegotiation offers, and reads its inbound audio from getStats(). It announces only
 * its 127.0.0.1 UDP candidate, so no test traffic goes to the machine's other addresses.
 */
import wrtc from '@roamhq/wrtc';

export interface ToneOptions {
  frequency?: number;
  /** Peak amplitude of 16-bit samples: 10 000 is loud, 30 is near silence. */
  amplitude?: number;
}

export interface InboundAudio {
  packetsReceived: number;
  audioLevel: number;
  totalAudioEnergy: number;
  /** Inbound audio streams that have received something. */
  streams: number;
}

export interface VoicePeer {
  pc: wrtc.RTCPeerConnection;
  /** The first offer: with a tone track when one was asked for. `onCandidate` set: candidates trickle instead of riding in the SDP. */
  offer(onCandidate?: (candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }) => void): Promise<string>;
  /** A server offer (renegotiation): answers it. */
  answer(offerSdp: string): Promise<string>;
  /** The server's answer to our offer. */
  accept(answerSdp: string): Promise<void>;
  inbound(): Promise<InboundAudio>;
  /** RTP packets sent so far. */
  packetsSent(): Promise<number>;
  close(): void;
}

const SAMPLE_RATE = 48_000;
const FRAME = SAMPLE_RATE / 100;

export const loopbackCandidate = (line: string) => / udp /i.test(line) && / 127\.0\.0\.1 \d+ typ host/.test(line);

/** Keeps only the loopback UDP candidates of an SDP. */
export const loopbackOnly = (sdp: string) =>
  sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || loopbackCandidate(line))
    .join('\r\n');

export function createVoicePeer(options: { tone?: ToneOptions | false } = {}): VoicePeer {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  let stopTone = () => {};
  if (options.tone !== undefined && options.tone !== false) stopTone = startTone(pc, options.tone);
  else pc.addTransceiver('audio', { direction: 'recvonly' });

  const gathered = () =>
    new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });

  return {
    pc,
    async offer(onCandidate) {
      if (onCandidate) {
        pc.addEventListener('icecandidate', (event: { candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null }) => {
          if (event.candidate && loopbackCandidate(event.candidate.candidate)) onCandidate(event.candidate);
        });
      }
      await pc.setLocalDescription(await pc.createOffer());
      if (onCandidate) return loopbackOnly(pc.localDescription!.sdp);
      await gathered();
      return loopbackOnly(pc.localDescription!.sdp);
    },
    async answer(offerSdp) {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered();
      return loopbackOnly(pc.localDescription!.sdp);
    },
    async accept(answerSdp) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    },
    async inbound() {
      const report = await pc.getStats();
      const audio: InboundAudio = { packetsReceived: 0, audioLevel: 0, totalAudioEnergy: 0, streams: 0 };
      report.forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp' || stat.kind !== 'audio') return;
        const packets = Number(stat.packetsReceived ?? 0);
        audio.packetsReceived += packets;
        audio.audioLevel = Math.max(audio.audioLevel, Number(stat.audioLevel ?? 0));
        audio.totalAudioEnergy += Number(stat.totalAudioEnergy ?? 0);
        if (packets > 0) audio.streams++;
      });
      return audio;
    },
    async packetsSent() {
      let sent = 0;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type === 'outbound-rtp') sent += Number(stat.packetsSent ?? 0);
      });
      return sent;
    },
    close() {
      stopTone();
      pc.close();
    },
  };
}

/** A sine tone on a new track, fed in 10 ms frames; frames missed while the event loop was busy are made up. */
function startTone(pc: wrtc.RTCPeerConnection, { frequency = 440, amplitude = 10_000 }: ToneOptions): () => void {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  pc.addTrack(track, new wrtc.MediaStream([track]));
  let phase = 0;
  let sent = 0;
  const started = Date.now();
  const frame = () => {
    const samples = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      samples[i] = Math.round(Math.sin(phase) * amplitude);
      phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
    }
    source.onData({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
  };
  const timer = setInterval(() => {
    const due = Math.floor((Date.now() - started) / 10);
    sent = Math.max(sent, due - 10); // after a long stall, skip ahead rather than burst
    for (; sent < due; sent++) frame();
  }, 10);
  return () => {
    clearInterval(timer);
    track.stop();
  };
}
