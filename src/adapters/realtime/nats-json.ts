/** Payloads from NATS are untrusted input: bad JSON is dropped (as undefined, which zod then refuses), never thrown. */
const decoder = new TextDecoder();

export function jsonOf(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}
