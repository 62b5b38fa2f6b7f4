/**
 * Telling the realtime side that sessions ended (logout, a password change, refresh-token reuse):
 * every gateway instance closes the sockets those sessions opened at once, instead of serving them
 * until their access tokens expire. Announced after the credentials store revoked them, so a
 * reconnect with the same token is refused at the upgrade.
 */
export interface SessionRevocations {
  /** Best effort and never throws: the revocation itself is already stored. */
  announce(sessionIds: readonly string[]): Promise<void>;
}

export const SESSION_REVOCATIONS = Symbol('SessionRevocations');
