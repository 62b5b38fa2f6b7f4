/**
 * What every MediaServer adapter must do, checked with real WebRTC peers (@roamhq/wrtc) on
 * 127.0.0.1: forward a speaker's audio to the others after a server renegotiation, report who
 * speaks, stop forwarding a muted speaker, forward only the loudest N, renegotiate when a sender
 * leaves, and refuse negotiation out of turn. Each test runs a few seconds of audio.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NegotiationError,
  type MediaServer,
  type MediaServerConfig,
  type MediaServerListener,
  type MediaSession,
} from '../../src/adapters/media/media-server.port';
import { createVoicePeer, type ToneOptions, type VoicePeer } from '../support/voice-peer';
import { waitUntil } from '../support/poll';

export type OpenMediaServer = (config: MediaServerConfig, listener: MediaServerListener) => Promise<MediaServer>;

const LOUD: ToneOptions = { amplitude: 10_000 };
const QUIET: ToneOptions = { amplitude: 30, frequency: 300 };
const WAIT_MS = 15_000;

interface Client {
  peer: VoicePeer;
  session: MediaSession;
  /** Server offers received, in order. */
  offers: string[];
}

export function mediaServerContract(name: string, open: OpenMediaServer, portRange: [number, number]) {
  describe(`media server contract: ${name}`, () => {
    let server: MediaServer | undefined;
    let speaking: { roomId: string; participantId: string; speaking: boolean }[];
    const clients: Client[] = [];

    const start = async (maxForwardedSpeakers = 3) => {
      speaking = [];
      server = await open(
        { iceAddresses: ['127.0.0.1'], bindAddress: '127.0.0.1', portRange, maxForwardedSpeakers },
        { speaking: (roomId, participantId, on) => speaking.push({ roomId, participantId, speaking: on }) },
      );
      return server;
    };

    /** A client joins: offers, gets the answer, and answers every server offer from then on. */
    const join = async (roomId: string, participantId: string, tone: ToneOptions | false) => {
      const peer = createVoicePeer({ tone });
      const offers: string[] = [];
      let chain = Promise.resolve();
      const session = await server!.openSession({
        roomId,
        participantId,
        onOffer: (sdp) => {
          offers.push(sdp);
          chain = chain.then(async () => session.accept(await peer.answer(sdp))).catch(() => undefined);
        },
      });
      const client = { peer, session, offers };
      clients.push(client);
      const answer = await session.answer(await peer.offer());
      await peer.accept(answer);
      return client;
    };

    const inboundOf = (client: Client) => client.peer.inbound();

    beforeEach(() => {
      clients.length = 0;
    });
    afterEach(async () => {
      for (const client of clients) client.peer.close();
      await server?.close();
      server = undefined;
    });

    it('forwards a speaker to a listener after renegotiating, and says who speaks', async () => {
      await start();
      const speaker = await join('room-1', 'alice', LOUD);
      const listener = await join('room-1', 'bob', false);

      await waitUntil(async () => (await inboundOf(listener)).packetsReceived > 50, WAIT_MS, 'bob hears alice');
      await waitUntil(async () => (await inboundOf(listener)).audioLevel > 0.05, WAIT_MS, 'a non-zero audio level at bob');
      expect(listener.offers.length).toBeGreaterThan(0);
      await waitUntil(() => speaking.some((s) => s.participantId === 'alice' && s.speaking && s.roomId === 'room-1'), WAIT_MS, 'alice speaking');
      expect(speaking.some((s) => s.participantId === 'bob' && s.speaking)).toBe(false);
      // Bob sends nothing, so Alice has no one to hear: no slot, no server offer.
      expect((await inboundOf(speaker)).packetsReceived).toBe(0);
      expect(server!.stats()).toMatchObject({ rooms: 1, sessions: 2 });
    });

    it('announces only loopback host candidates', async () => {
      await start();
      const peer = createVoicePeer({ tone: LOUD });
      clients.push({ peer, session: await server!.openSession({ roomId: 'r', participantId: 'p', onOffer: () => undefined }), offers: [] });
      const answer = await clients[0]!.session.answer(await peer.offer());
      const candidates = answer.split('\r\n').filter((line) => line.startsWith('a=candidate:'));
      expect(candidates.length).toBeGreaterThan(0);
      for (const line of candidates) expect(line).toMatch(/ 127\.0\.0\.1 \d+ typ host/);
      for (const line of candidates) {
        const port = Number(line.split(' ')[5]);
        expect(port).toBeGreaterThanOrEqual(portRange[0]);
        expect(port).toBeLessThanOrEqual(portRange[1]);
      }
    });

    it('stops forwarding a muted speaker at once, and says it stopped speaking', async () => {
      await start();
      const speaker = await join('room-2', 'alice', LOUD);
      const listener = await join('room-2', 'bob', false);
      await waitUntil(async () => (await inboundOf(listener)).packetsReceived > 20, WAIT_MS, 'bob hears alice');
      await waitUntil(() => speaking.some((s) => s.participantId === 'alice' && s.speaking), WAIT_MS, 'alice speaking');

      speaker.session.setSending(false);
      const { forwardedPackets, receivedPackets } = server!.stats();
      await waitUntil(() => server!.stats().receivedPackets >= receivedPackets + 25, WAIT_MS, 'half a second more of alice reaching the server');
      expect(server!.stats().forwardedPackets).toBe(forwardedPackets);
      await waitUntil(() => speaking.some((s) => s.participantId === 'alice' && !s.speaking), WAIT_MS, 'alice no longer speaking');
    });

    it('forwards only the loudest N speakers to each listener, each packet once', async () => {
      await start(1);
      const loud = await join('room-3', 'loud', LOUD);
      const quiet = await join('room-3', 'quiet', QUIET);
      const listener = await join('room-3', 'bob', false);
      await waitUntil(async () => (await inboundOf(listener)).packetsReceived > 50, WAIT_MS, 'bob hears someone');
      await waitUntil(async () => (await inboundOf(listener)).audioLevel > 0.05, WAIT_MS, 'bob hears the loud speaker');
      const receiving = listener.peer.pc.getTransceivers().filter((t: { currentDirection: string | null }) => t.currentDirection === 'recvonly');
      expect(receiving).toHaveLength(1);
      expect((await inboundOf(listener)).streams).toBe(1);
      // Renegotiations (each speaker's, when the other began) do not make the server hear a packet twice.
      const received = server!.stats().receivedPackets;
      expect(received).toBeLessThanOrEqual((await loud.peer.packetsSent()) + (await quiet.peer.packetsSent()));
    });

    it('renegotiates when a sender leaves', async () => {
      await start();
      const speaker = await join('room-4', 'alice', LOUD);
      const listener = await join('room-4', 'bob', false);
      await waitUntil(async () => (await inboundOf(listener)).packetsReceived > 10, WAIT_MS, 'bob hears alice');
      const offersBefore = listener.offers.length;
      await speaker.session.close();
      await waitUntil(() => listener.offers.length > offersBefore, WAIT_MS, 'a new offer for bob');
      expect(listener.offers.at(-1)).toMatch(/a=inactive/);
      expect(server!.stats()).toMatchObject({ rooms: 1, sessions: 1 });
    });

    it('refuses an answer when it made no offer', async () => {
      await start();
      const client = await join('room-5', 'alice', LOUD);
      await expect(client.session.accept(client.peer.pc.localDescription!.sdp)).rejects.toBeInstanceOf(NegotiationError);
    });
  });
}
