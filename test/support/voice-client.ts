/**
 * Joining voice through the realtime gateway with a real WebRTC peer: `voice.join`, then the
 * peer's offer (its candidates in the SDP, or trickled as `voice.ice`), then answering every
 * `voice.offer` the server sends to renegotiate.
 */
import type { Frame, RealtimeClient } from './ws-client';
import type { ToneOptions, VoicePeer } from './voice-peer';
import { createVoicePeer } from './voice-peer';

export interface VoiceCall {
  joined: Frame;
  peer: VoicePeer;
}

const answerOrError = (op: string) => (frame: Frame) => frame.op === op || frame.op === 'error';

/** Sends `voice.join` and answers with the `voice.joined` frame; throws on an error frame. */
export async function joinVoice(client: RealtimeClient, channelId: string): Promise<Frame> {
  const joined = await client.request({ op: 'voice.join', channelId }, answerOrError('voice.joined'), 15_000);
  if (joined.op !== 'voice.joined') throw new Error(`voice.join refused: ${JSON.stringify(joined)}`);
  return joined;
}

/** Joins and negotiates media: a tone to send, or only listening. */
export async function call(client: RealtimeClient, channelId: string, options: { tone?: ToneOptions | false; trickle?: boolean } = {}): Promise<VoiceCall> {
  const joined = await joinVoice(client, channelId);
  const peer = createVoicePeer({ tone: options.tone });
  let renegotiation = Promise.resolve();
  client.socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.op !== 'voice.offer') return;
    renegotiation = renegotiation.then(async () => client.send({ op: 'voice.answer', sdp: await peer.answer(frame.sdp as string) })).catch(() => undefined);
  });
  const offer = await peer.offer(options.trickle ? (candidate) => client.send({ op: 'voice.ice', candidate }) : undefined);
  const answer = await client.request({ op: 'voice.offer', sdp: offer }, answerOrError('voice.answer'), 15_000);
  if (answer.op !== 'voice.answer') throw new Error(`voice.offer refused: ${JSON.stringify(answer)}`);
  await peer.accept(answer.sdp as string);
  return { joined, peer };
}
