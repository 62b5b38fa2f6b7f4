import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { JoseTokenIssuer } from '../../src/adapters/auth/jose-token-issuer';

const base = { JWT_SECRET: 'x'.repeat(40), JWT_ALGORITHM: 'EdDSA' as const, ACCESS_TOKEN_TTL_SECONDS: 900, JWT_PRIVATE_KEY: undefined };

describe('JoseTokenIssuer', () => {
  it('signs EdDSA access tokens that its published JWK set verifies', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const issuer = await JoseTokenIssuer.fromConfig({ ...base, JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const { token, expiresIn } = await issuer.issueAccessToken({ userId: 'u1', sessionId: 's1' });
    expect(expiresIn).toBe(900);
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [issuer.publicJwk!] }));
    expect(payload).toMatchObject({ sub: 'u1', sid: 's1', iss: 'switchboard' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(issuer.publicJwk).not.toHaveProperty('d'); // the private part is never published
  });

  it('signs HS256 with the secret, and refuses tampered or foreign tokens', async () => {
    const issuer = await JoseTokenIssuer.fromConfig(base);
    expect(issuer.publicJwk).toBeNull();
    const { token } = await issuer.issueAccessToken({ userId: 'u1', sessionId: 's1' });
    await expect(issuer.verifyAccessToken(token)).resolves.toMatchObject({ userId: 'u1', sessionId: 's1' });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'admin' })).toString('base64url');
    await expect(issuer.verifyAccessToken(`${header}.${forged}.${signature}`)).rejects.toThrow();
    const other = await JoseTokenIssuer.fromConfig({ ...base, JWT_SECRET: 'y'.repeat(40) });
    await expect(other.verifyAccessToken(token)).rejects.toThrow();
  });

  it('makes opaque refresh tokens and stores only their hash', async () => {
    const issuer = await JoseTokenIssuer.fromConfig(base);
    const a = issuer.newRefreshToken();
    expect(a.token).toHaveLength(43); // 32 random bytes, base64url
    expect(a.hash).not.toContain(a.token);
    expect(issuer.hashRefreshToken(a.token)).toBe(a.hash);
    expect(issuer.newRefreshToken().token).not.toBe(a.token);
  });
});
