/**
 * The websocket upgrade at `/realtime`: the access token is checked before any websocket exists
 * (401 problem otherwise), and the socket starts with its own state and frame rate limiter.
 */
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { respond } from './secure-answers';
import { SocketAuthenticator, tokenOfUpgrade, type SocketIdentity } from './socket-auth';
import { FrameRateLimiter, type RealtimeLimits } from './socket-limits';
import type { SocketState } from './socket-state';

export interface SocketUpgradeDeps {
  authenticator: SocketAuthenticator;
  limits: RealtimeLimits;
  log: Logger;
  isStopping: () => boolean;
  nextSocketId: () => number;
}

export function upgradeSocket(deps: SocketUpgradeDeps, res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
  // The request lives only in this call: copy what the upgrade needs before any await.
  const key = req.getHeader('sec-websocket-key');
  const extensions = req.getHeader('sec-websocket-extensions');
  const found = tokenOfUpgrade(req.getQuery('access_token'), req.getHeader('sec-websocket-protocol'));
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const authenticated: Promise<SocketIdentity | null> = found ? deps.authenticator.authenticate(found.token) : Promise.resolve(null);
  authenticated.then(
    (identity) => {
      if (aborted) return;
      if (deps.isStopping()) return res.cork(() => respond(res, 'shuttingDown', 'the gateway is shutting down'));
      if (!identity || !found)
        return res.cork(() =>
          respond(
            res,
            'unauthenticated',
            found ? 'the access token is not valid or has expired' : 'send an access token: ?access_token= or Sec-WebSocket-Protocol',
          ),
        );
      const state: SocketState = {
        id: deps.nextSocketId(),
        identity,
        topics: new Set(),
        staffTickets: new Set(),
        pending: new Set(),
        limiter: new FrameRateLimiter(deps.limits.messagesPerSecond, deps.limits.messageBurst),
        closed: false,
        slow: false,
      };
      res.cork(() => res.upgrade(state, key, found.protocol, extensions, context));
    },
    (error: unknown) => {
      deps.log.error({ err: error }, 'realtime authentication failed');
      if (!aborted) res.cork(() => respond(res, 'notReady', 'cannot check the access token now'));
    },
  );
}
