/**
 * argon2id with OWASP's recommended parameters (19 MiB, 2 iterations, 1 lane). Passwords are
 * capped in length before hashing, so a huge password cannot buy a huge amount of work.
 */
import argon2 from 'argon2';
import type { PasswordHasher } from '../../ports/identity.ports';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= argon2.hash('no user has this password', ARGON2_OPTIONS);
    await this.verify(await this.dummy, password);
  }
}
