/**
 * The realtime gateway inside the app process: built from the opened infrastructure and the
 * identity adapters, started once the app is up, stopped before the infrastructure closes
 * (beforeApplicationShutdown runs before any module's onApplicationShutdown).
 * With REALTIME_ENABLED=false (say, with standalone gateways) it is built but never listens.
 */
import { BeforeApplicationShutdown, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '../../config';
import { CREDENTIAL_STORE, TOKEN_ISSUER, type CredentialStore, type TokenIssuer } from '../../ports/identity.ports';
import { SESSION_REVOCATIONS } from '../../ports/session-revocations.port';
import { IdentityModule } from '../../modules/identity.module';
import type { Infrastructure } from '../infrastructure';
import { INFRASTRUCTURE } from '../infrastructure.tokens';
import { LOGGER, type Logger } from '../logger';
import { RealtimeGateway } from './realtime-gateway';
import { CommandRunner } from '../../commands/command-runner';
import { voiceOptionsOf } from './voice-options';
import { SessionRevocationBus, sessionRevocationBusOf } from './session-revocation-bus';

/**
 * `runner`: the app's command runner; a standalone gateway runs voice commands through one of its own.
 * `scrapeMetrics`: a standalone gateway serves its metrics on its own port.
 * `sessions`: the app's session revocation bus; a standalone gateway listens on one of its own.
 */
export function gatewayOf(
  infrastructure: Infrastructure,
  tokens: TokenIssuer,
  credentials: CredentialStore,
  log: Logger,
  { runner, scrapeMetrics, sessions }: { runner?: CommandRunner; scrapeMetrics?: () => Promise<string>; sessions?: SessionRevocationBus } = {},
): RealtimeGateway {
  return new RealtimeGateway({
    config: infrastructure.config,
    db: infrastructure.database.db,
    progress: infrastructure.progress,
    changes: infrastructure.changes,
    nats: infrastructure.nats?.nc,
    tokens,
    credentials,
    headPosition: () => infrastructure.store.committedHeadPosition(),
    sessions: sessions ?? sessionRevocationBusOf(infrastructure, log),
    log,
    voice: voiceOptionsOf(infrastructure, runner),
    scrapeMetrics,
  });
}

@Injectable()
class RealtimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly gateway: RealtimeGateway,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.REALTIME_ENABLED) await this.gateway.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.gateway.stop();
  }
}

@Module({
  imports: [IdentityModule],
  providers: [
    {
      provide: RealtimeGateway,
      useFactory: (
        infrastructure: Infrastructure,
        tokens: TokenIssuer,
        credentials: CredentialStore,
        log: Logger,
        runner: CommandRunner,
        sessions: SessionRevocationBus,
      ) => gatewayOf(infrastructure, tokens, credentials, log, { runner, sessions }),
      inject: [INFRASTRUCTURE, TOKEN_ISSUER, CREDENTIAL_STORE, LOGGER, CommandRunner, SESSION_REVOCATIONS],
    },
    RealtimeLifecycle,
  ],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
