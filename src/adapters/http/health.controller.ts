/** Liveness (the process answers) and readiness (every configured backend answers). */
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { INFRASTRUCTURE } from '../infrastructure.tokens';
import type { Infrastructure } from '../infrastructure';
import { problem } from './problem-codes';
import { ProblemException } from './problem-details.filter';
import { Public } from '../auth/authenticated-user';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const checks = await this.infrastructure.readiness();
    const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
    if (failing.length > 0) {
      throw new ProblemException(problem('notReady', failing.map(([name, state]) => `${name}: ${state}`).join('; '), { checks }));
    }
    return { status: 'ok', mode: this.infrastructure.mode, checks };
  }
}
