/**
 * What the gateway keeps per socket (uWS user data): who it is and until when, its topics, its
 * rate limiter, and whether it is already closed (using a closed uWS socket throws, and replies
 * to async work such as authorization can arrive after the close).
 */
import type { WebSocket } from 'uWebSockets.js';
import type { SocketIdentity } from './socket-auth';
import type { FrameRateLimiter } from './socket-limits';
import type { ServerFrame } from './realtime.frames';

export interface SocketState {
  id: number;
  identity: SocketIdentity;
  /** Client topic names subscribed to (the staff variant of a ticket is implied by `staff`). */
  topics: Set<string>;
  /** Ticket ids whose internal-notes topic this socket joined. */
  staffTickets: Set<string>;
  /** Subscriptions being authorized; they count against the limit too. */
  pending: Set<string>;
  limiter: FrameRateLimiter;
  closed: boolean;
  /** Dropped for backpressure: counted once. */
  slow: boolean;
  expiryTimer?: NodeJS.Timeout;
}

export type Socket = WebSocket<SocketState>;

export function sendFrame(ws: Socket, frame: ServerFrame): void {
  if (ws.getUserData().closed) return;
  // A send refused for backpressure reaches the gateway's `dropped` handler, which drops the client.
  ws.send(JSON.stringify(frame));
}

/** setTimeout takes at most 2^31-1 ms; tokens living longer are re-checked when that fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes the socket (4001) when its token expires, unless a re-authentication moved `expiresAt` on. */
export function scheduleExpiry(ws: Socket): void {
  const state = ws.getUserData();
  clearTimeout(state.expiryTimer);
  const left = state.identity.expiresAt * 1000 - Date.now();
  state.expiryTimer = setTimeout(
    () => {
      if (state.closed) return;
      if (state.identity.expiresAt * 1000 > Date.now()) return scheduleExpiry(ws);
      ws.end(4001, 'token expired');
    },
    Math.min(Math.max(left, 0), MAX_TIMER_MS),
  ).unref();
}
