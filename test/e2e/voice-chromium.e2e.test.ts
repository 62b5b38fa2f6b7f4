/**
 * Join-and-hear with headless Chromium (Debian's /usr/bin/chromium through playwright-core, never
 * a downloaded browser): two pages served by this test join one voice channel through the gateway
 * with Chromium's fake microphone, and each receives the other's audio through the werift SFU.
 * `--allow-loopback-in-peer-connection` gives Chromium a 127.0.0.1 candidate, and the pages
 * announce only that one. Skipped, saying so, where Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { channelWith } from '../support/chat';
import { waitUntil } from '../support/poll';
import { realtimeUrl } from '../support/ws-client';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
];

/** The page's voice client: join, offer the fake microphone, answer the server's renegotiations, count inbound audio packets. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>voice</title><script>
const loopbackOnly = (sdp) => sdp.split('\\r\\n').filter((l) => !l.startsWith('a=candidate:') || (/ udp /i.test(l) && / 127\\.0\\.0\\.1 \\d+ typ host/.test(l))).join('\\r\\n');
const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
});
window.voice = async (wsUrl, channelId) => {
  const frames = [];
  let waiters = [];
  const waitFor = (match) => new Promise((resolve) => {
    const check = () => { const frame = frames.find(match); if (frame) resolve(frame); return Boolean(frame); };
    if (!check()) waiters.push(check);
  });
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  const send = (frame) => ws.send(JSON.stringify(frame));
  const pc = new RTCPeerConnection();
  window.pc = pc;
  let renegotiation = Promise.resolve();
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    frames.push(frame);
    if (frame.op === 'voice.offer') {
      renegotiation = renegotiation.then(async () => {
        await pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        await gathered(pc);
        send({ op: 'voice.answer', sdp: loopbackOnly(pc.localDescription.sdp) });
      });
    }
    waiters = waiters.filter((check) => !check());
  };
  send({ op: 'voice.join', channelId });
  const joined = await waitFor((f) => f.op === 'voice.joined' || f.op === 'error');
  if (joined.op === 'error') throw new Error(JSON.stringify(joined));
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  pc.addTrack(microphone.getAudioTracks()[0], microphone);
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  send({ op: 'voice.offer', sdp: loopbackOnly(pc.localDescription.sdp) });
  const answer = await waitFor((f) => f.op === 'voice.answer' || f.op === 'error');
  if (answer.op === 'error') throw new Error(JSON.stringify(answer));
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  return joined.position;
};
window.packetsReceived = async () => {
  let packets = 0;
  (await window.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived; });
  return packets;
};
</script>`;

const installed = existsSync(CHROMIUM);
if (!installed) console.log(`skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`);

describe.skipIf(!installed)('voice with headless Chromium (fake microphone, werift SFU)', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VOICE_UDP_PORT_MIN: '22400', VOICE_UDP_PORT_MAX: '22599' } });
    site = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await t?.close();
  });

  const open = async (token: string, channelId: string): Promise<{ page: Page; position: number }> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(siteUrl);
    const wsUrl = realtimeUrl(t.app.get(RealtimeGateway).port, token);
    const position = await page.evaluate(
      ([url, id]) => (globalThis as unknown as { voice(u: string, c: string): Promise<number> }).voice(url!, id!),
      [wsUrl, channelId],
    );
    return { page, position };
  };
  const packetsReceived = (page: Page) => page.evaluate(() => (globalThis as unknown as { packetsReceived(): Promise<number> }).packetsReceived());

  it('lets two Chromium pages join one voice channel and hear each other', async () => {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const created = await channelWith(t.url, a, [b], { type: 'voice', name: 'browsers' });
    const channelId = created.body.id as string;

    const first = await open(a.accessToken, channelId);
    const second = await open(b.accessToken, channelId);
    await waitUntil(async () => (await packetsReceived(second.page)) > 0, 30_000, 'the second page receives audio packets');
    await waitUntil(async () => (await packetsReceived(first.page)) > 0, 30_000, 'the first page receives audio packets');

    const roster = await http(t.url, 'GET', `/api/v1/channels/${channelId}/voice?minPosition=${second.position}`, undefined, bearer(a.accessToken));
    expect(roster.body.participants.map((p: { userId: string }) => p.userId)).toEqual([a.userId, b.userId]);
  }, 90_000);
});
