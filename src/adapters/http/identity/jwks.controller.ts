/** /.well-known/jwks.json: the public key that verifies access tokens (empty with HS256, whose key is secret). */
import { Controller, Get, Inject } from '@nestjs/common';
import { TOKEN_ISSUER } from '../../../ports/identity.ports';
import { Public } from '../../auth/authenticated-user';
import type { JoseTokenIssuer } from '../../auth/jose-token-issuer';

@Controller('.well-known')
export class JwksController {
  constructor(@Inject(TOKEN_ISSUER) private readonly tokens: JoseTokenIssuer) {}

  @Public()
  @Get('jwks.json')
  jwks() {
    return { keys: this.tokens.publicJwk ? [this.tokens.publicJwk] : [] };
  }
}
