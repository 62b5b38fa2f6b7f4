/**
 * The server is draining for shutdown and takes no new commands: the client should retry, on
 * another node or later. An application error (HTTP maps it to 503), not a framework exception.
 */
export class ShuttingDown extends Error {
  override readonly name = 'ShuttingDown';
  constructor() {
    super('the server is shutting down');
  }
}
