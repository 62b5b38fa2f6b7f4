/** Identity and access: the auth adapter (argon2, jose, credentials tables), its use cases and endpoints, and run-time roles. */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CONFIG, type Config } from '../config';
import { CREDENTIAL_STORE, PASSWORD_HASHER, RATE_LIMITER, TOKEN_ISSUER } from '../ports/identity.ports';
import { READ_MODEL_DB, type ReadModelDb } from '../projections/runtime/projection';
import { RegisterUserHandler } from '../commands/identity/register-user.handler';
import { LogInHandler } from '../commands/identity/log-in.handler';
import { RefreshSessionHandler } from '../commands/identity/refresh-session.handler';
import { RevokeSessionHandler } from '../commands/identity/revoke-session.handler';
import { ChangePasswordHandler } from '../commands/identity/change-password.handler';
import { ChangeUserRoleHandler, DeactivateUserHandler } from '../commands/identity/administer-user.handlers';
import { SessionIssuer } from '../commands/identity/session-issuer';
import { FirstAdmin } from '../commands/identity/first-admin';
import { ChangeRolePermissionsHandler } from '../commands/identity/role-permissions.handler';
import { Argon2PasswordHasher } from '../adapters/auth/argon2-password-hasher';
import { JoseTokenIssuer } from '../adapters/auth/jose-token-issuer';
import { PostgresCredentialStore } from '../adapters/auth/postgres-credential-store';
import { PostgresRateLimiter } from '../adapters/auth/postgres-rate-limiter';
import { AuthGuard } from '../adapters/auth/auth.guard';
import { AuthRateLimits } from '../adapters/auth/auth-rate-limits';
import { AuthController } from '../adapters/http/identity/auth.controller';
import { AdminUsersController } from '../adapters/http/identity/admin-users.controller';
import { JwksController } from '../adapters/http/identity/jwks.controller';
import { RolesController } from '../adapters/http/identity/roles.controller';
import { SESSION_REVOCATIONS } from '../ports/session-revocations.port';
import { sessionRevocationBusOf } from '../adapters/realtime/session-revocation-bus';
import { INFRASTRUCTURE } from '../adapters/infrastructure.tokens';
import { LOGGER } from '../adapters/logger';

@Module({
  controllers: [AuthController, AdminUsersController, JwksController, RolesController],
  providers: [
    { provide: PASSWORD_HASHER, useClass: Argon2PasswordHasher },
    { provide: TOKEN_ISSUER, useFactory: (config: Config) => JoseTokenIssuer.fromConfig(config), inject: [CONFIG] },
    { provide: CREDENTIAL_STORE, useFactory: (db: ReadModelDb) => new PostgresCredentialStore(db), inject: [READ_MODEL_DB] },
    { provide: RATE_LIMITER, useFactory: (db: ReadModelDb) => new PostgresRateLimiter(db), inject: [READ_MODEL_DB] },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: SESSION_REVOCATIONS, useFactory: sessionRevocationBusOf, inject: [INFRASTRUCTURE, LOGGER] },
    AuthRateLimits,
    SessionIssuer,
    FirstAdmin,
    RegisterUserHandler,
    LogInHandler,
    RefreshSessionHandler,
    RevokeSessionHandler,
    ChangePasswordHandler,
    ChangeUserRoleHandler,
    DeactivateUserHandler,
    ChangeRolePermissionsHandler,
  ],
  exports: [TOKEN_ISSUER, CREDENTIAL_STORE, SESSION_REVOCATIONS],
})
export class IdentityModule {}
