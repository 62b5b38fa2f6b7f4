/**
 * The SDP bridge the mediasoup adapter speaks through (mediasoup itself cannot run here): it reads
 * a real libwebrtc offer, and libwebrtc accepts what it writes, as an answer and as a later offer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseOffer, writeSdp, type ServerTransport } from '../../src/adapters/media/audio-sdp';
import { createVoicePeer, type VoicePeer } from '../support/voice-peer';

const transport: ServerTransport = {
  ice: { usernameFragment: 'abcdefgh12345678', password: 'abcdefghijklmnopqrstuvwx12345678' },
  candidates: [{ foundation: 'udpcandidate', priority: 1076302079, address: '127.0.0.1', port: 40000, protocol: 'udp' }],
  fingerprint: { algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') },
};

describe('audio SDP bridge', () => {
  let peer: VoicePeer;
  afterEach(() => peer?.close());

  it('reads the microphone m-line of a libwebrtc offer', async () => {
    peer = createVoicePeer({ tone: {} });
    const offer = parseOffer(await peer.offer());
    expect(offer.fingerprint.algorithm).toBe('sha-256');
    expect(offer.setup).toBe('actpass');
    expect(offer.audio).toEqual([
      expect.objectContaining({
        mid: '0',
        direction: 'sendrecv',
        payloadType: 111,
        ssrc: expect.any(Number),
        extensions: expect.arrayContaining([expect.objectContaining({ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' })]),
      }),
    ]);
  });

  it("writes an answer, then an offer with a speaker's m-line, that libwebrtc accepts", async () => {
    peer = createVoicePeer({ tone: {} });
    const [uplink] = parseOffer(await peer.offer()).audio;
    const first = { mid: uplink!.mid, direction: 'recvonly' as const, payloadType: uplink!.payloadType, fmtp: uplink!.fmtp, extensions: uplink!.extensions };
    await peer.accept(writeSdp(transport, [first], 1));
    const renegotiation = writeSdp(
      transport,
      [first, { mid: 'c1', direction: 'sendonly', payloadType: 100, extensions: [], source: { ssrc: 1234, cname: 'speaker', streamId: 'speaker' } }],
      2,
    );
    const answer = parseOffer(await peer.answer(renegotiation));
    expect(answer.audio.map((a) => [a.mid, a.direction])).toEqual([
      ['0', 'sendonly'],
      ['c1', 'recvonly'],
    ]);
    expect(answer.setup).toBe('active');
  });

  it('refuses an offer without a fingerprint, or with audio but no Opus', () => {
    expect(() => parseOffer('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=rtpmap:0 PCMU/8000\r\na=fingerprint:sha-256 AA')).toThrow(/Opus/);
    expect(() => parseOffer('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2')).toThrow(/fingerprint/);
  });
});
