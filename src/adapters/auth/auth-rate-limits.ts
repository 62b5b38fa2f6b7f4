/** Per-address and per-account limits on login, register, refresh and password change: 429 with Retry-After past them. */
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config';
import { RATE_LIMITER, RateLimiter } from '../../ports/identity.ports';
import { problem } from '../http/problem-codes';
import { ProblemException } from '../http/problem-details.filter';

@Injectable()
export class AuthRateLimits {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: Pick<Config, 'AUTH_RATE_LIMIT_PER_IP' | 'AUTH_RATE_LIMIT_PER_ACCOUNT'>,
  ) {}

  async check(action: 'login' | 'register' | 'refresh' | 'password', ip: string, account?: string): Promise<void> {
    const waits = await Promise.all([
      this.limiter.hit(`${action}:ip:${ip}`, this.config.AUTH_RATE_LIMIT_PER_IP),
      account === undefined ? 0 : this.limiter.hit(`${action}:account:${account.toLowerCase()}`, this.config.AUTH_RATE_LIMIT_PER_ACCOUNT),
    ]);
    const wait = Math.max(...waits);
    if (wait > 0) throw new ProblemException(problem('rateLimited', `too many ${action} attempts; try again in ${wait} s`), { 'retry-after': String(wait) });
  }
}
