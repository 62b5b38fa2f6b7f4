/**
 * A minimal SDP bridge for audio-only sessions with an ICE-lite server (mediasoup is not SDP
 * based): read what the client offers (per m-line: mid, direction, Opus payload type, SSRC,
 * header extensions; its DTLS fingerprint and setup role), and write the server's answers and
 * offers from transport parameters. Opus only, BUNDLE on one transport, rtcp-mux.
 */
export interface OfferedAudio {
  mid: string;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  payloadType: number;
  fmtp?: string;
  ssrc?: number;
  cname?: string;
  extensions: { id: number; uri: string }[];
}

export interface ParsedOffer {
  fingerprint: { algorithm: string; value: string };
  setup: string;
  audio: OfferedAudio[];
}

export interface AnswerSection {
  mid: string;
  direction: OfferedAudio['direction'];
  payloadType: number;
  fmtp?: string;
  extensions: { id: number; uri: string }[];
  /** What the server sends on this m-line, if anything. */
  source?: { ssrc: number; cname: string; streamId: string };
}

export interface ServerTransport {
  ice: { usernameFragment: string; password: string };
  candidates: { foundation: string; priority: number; address: string; port: number; protocol: string }[];
  fingerprint: { algorithm: string; value: string };
}

const attribute = (lines: string[], name: string) => lines.find((line) => line.startsWith(`a=${name}:`))?.slice(name.length + 3);

export function parseOffer(sdp: string): ParsedOffer {
  const [session = '', ...media] = sdp.split(/\r?\nm=/);
  const sessionLines = session.split(/\r?\n/);
  const audio: OfferedAudio[] = [];
  let fingerprint = attribute(sessionLines, 'fingerprint');
  let setup = attribute(sessionLines, 'setup');
  for (const section of media) {
    const lines = section.split(/\r?\n/);
    fingerprint ??= attribute(lines, 'fingerprint');
    setup ??= attribute(lines, 'setup');
    if (!lines[0]!.startsWith('audio ')) continue;
    const opus = lines.map((line) => /^a=rtpmap:(\d+) opus\/48000/i.exec(line)).find(Boolean);
    if (!opus) throw new Error('the offer has an audio m-line without Opus');
    const payloadType = Number(opus[1]);
    const ssrc = lines.map((line) => /^a=ssrc:(\d+) cname:(.+)$/.exec(line)).find(Boolean);
    audio.push({
      mid: attribute(lines, 'mid') ?? String(audio.length),
      direction: (['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const).find((d) => lines.includes(`a=${d}`)) ?? 'sendrecv',
      payloadType,
      fmtp: lines.find((line) => line.startsWith(`a=fmtp:${payloadType} `))?.slice(`a=fmtp:${payloadType} `.length),
      ssrc: ssrc ? Number(ssrc[1]) : undefined,
      cname: ssrc?.[2],
      extensions: lines.flatMap((line) => {
        const match = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(line);
        return match ? [{ id: Number(match[1]), uri: match[2]! }] : [];
      }),
    });
  }
  if (!fingerprint) throw new Error('the offer has no DTLS fingerprint');
  const [algorithm = '', value = ''] = fingerprint.split(' ');
  return { fingerprint: { algorithm, value }, setup: setup ?? 'actpass', audio };
}

/** The server's SDP (an answer, or an offer when renegotiating) for an ICE-lite transport that is the DTLS server. */
export function writeSdp(transport: ServerTransport, sections: readonly AnswerSection[], version: number): string {
  const mids = sections.map((s) => s.mid).join(' ');
  const lines = ['v=0', `o=- 1 ${version} IN IP4 0.0.0.0`, 's=-', 't=0 0', 'a=ice-lite', `a=group:BUNDLE ${mids}`, 'a=msid-semantic: WMS *'];
  const [first] = transport.candidates;
  for (const section of sections) {
    lines.push(
      `m=audio ${first?.port ?? 9} UDP/TLS/RTP/SAVPF ${section.payloadType}`,
      `c=IN IP4 ${first?.address ?? '0.0.0.0'}`,
      `a=mid:${section.mid}`,
      `a=${section.direction}`,
      `a=ice-ufrag:${transport.ice.usernameFragment}`,
      `a=ice-pwd:${transport.ice.password}`,
      `a=fingerprint:${transport.fingerprint.algorithm} ${transport.fingerprint.value}`,
      'a=setup:passive',
      'a=rtcp-mux',
      `a=rtpmap:${section.payloadType} opus/48000/2`,
      ...(section.fmtp ? [`a=fmtp:${section.payloadType} ${section.fmtp}`] : []),
      ...section.extensions.map((e) => `a=extmap:${e.id} ${e.uri}`),
      ...transport.candidates.map((c) => `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ host`),
      'a=end-of-candidates',
      ...(section.source
        ? [`a=msid:${section.source.streamId} ${section.source.streamId}-audio`, `a=ssrc:${section.source.ssrc} cname:${section.source.cname}`]
        : []),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
