/**
 * Access tokens (JWT, 15 minutes, through jose) and opaque refresh tokens (32 random bytes,
 * stored only as their SHA-256). Signed with HS256 and JWT_SECRET, or with EdDSA/ES256 and
 * JWT_PRIVATE_KEY, whose public half is published as a JWK set.
 */
import { createHash, createPublicKey, KeyObject, randomBytes, createSecretKey, randomUUID } from 'node:crypto';
import { exportJWK, importPKCS8, JWK, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../../config';
import type { AccessClaims, TokenIssuer } from '../../ports/identity.ports';

type Key = KeyObject | Awaited<ReturnType<typeof importPKCS8>>;

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard-api';

export class JoseTokenIssuer implements TokenIssuer {
  private constructor(
    private readonly algorithm: 'HS256' | 'EdDSA' | 'ES256',
    private readonly signingKey: Key,
    private readonly verifyingKey: Key,
    private readonly keyId: string,
    private readonly ttlSeconds: number,
    readonly publicJwk: JWK | null,
  ) {}

  static async fromConfig(config: Pick<Config, 'JWT_SECRET' | 'JWT_PRIVATE_KEY' | 'JWT_ALGORITHM' | 'ACCESS_TOKEN_TTL_SECONDS'>): Promise<JoseTokenIssuer> {
    if (config.JWT_PRIVATE_KEY) {
      const pem = config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n');
      const privateKey = await importPKCS8(pem, config.JWT_ALGORITHM, { extractable: true });
      const publicKey = createPublicKey(pem);
      const jwk = await exportJWK(publicKey);
      const keyId = createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16);
      return new JoseTokenIssuer(config.JWT_ALGORITHM, privateKey, publicKey, keyId, config.ACCESS_TOKEN_TTL_SECONDS, {
        ...jwk,
        kid: keyId,
        alg: config.JWT_ALGORITHM,
        use: 'sig',
      });
    }
    const secret = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
    return new JoseTokenIssuer('HS256', secret, secret, 'hs256', config.ACCESS_TOKEN_TTL_SECONDS, null);
  }

  async issueAccessToken({ userId, sessionId }: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: this.algorithm, kid: this.keyId, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.signingKey);
    return { token, expiresIn: this.ttlSeconds };
  }

  async verifyAccessToken(token: string): Promise<AccessClaims & { expiresAt: number }> {
    const { payload } = await jwtVerify(token, this.verifyingKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [this.algorithm] });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') throw new Error('token lacks claims');
    return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp };
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('base64url');
  }
}
