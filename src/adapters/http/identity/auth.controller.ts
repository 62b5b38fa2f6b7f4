/** /api/v1/auth: register, login, refresh, logout, me, sessions, password. */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ChangePassword, Client, LogIn, RefreshSession, RegisterUser, RevokeSession } from '../../../commands/identity/identity.commands';
import type { CommandContext } from '../../../commands/command-context';
import { CREDENTIAL_STORE, CredentialStore } from '../../../ports/identity.ports';
import { findAccount } from '../../../projections/identity/users.queries';
import { READ_MODEL_DB, type ReadModelDb } from '../../../projections/runtime/projection';
import { notFound } from '../../../domain/errors';
import { CommandCtx } from '../command-context.decorator';
import { NoStore } from '../no-store.decorator';
import { AuthRateLimits } from '../../auth/auth-rate-limits';
import { AuthenticatedUser, CurrentUser, Public } from '../../auth/authenticated-user';
import { ChangePasswordBody, LoginBody, RefreshBody, RegisterBody } from './auth.schemas';

const clientOf = (request: FastifyRequest): Client => ({ ip: request.ip ?? null, userAgent: request.headers['user-agent']?.slice(0, 300) ?? null });

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly limits: AuthRateLimits,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  @Public()
  @Post('register')
  @NoStore()
  async register(@Body() body: RegisterBody, @Req() request: FastifyRequest, @CommandCtx() context: CommandContext) {
    await this.limits.check('register', request.ip);
    const session = await this.commands.execute(new RegisterUser(body, clientOf(request), context));
    return { user: await findAccount(this.db, session.userId), ...session };
  }

  @Public()
  @Post('login')
  @NoStore()
  @HttpCode(200)
  async login(@Body() body: LoginBody, @Req() request: FastifyRequest, @CommandCtx() context: CommandContext) {
    await this.limits.check('login', request.ip, body.login);
    const session = await this.commands.execute(new LogIn(body.login, body.password, clientOf(request), context));
    return { user: await findAccount(this.db, session.userId), ...session };
  }

  @Public()
  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  async refresh(@Body() body: RefreshBody, @Req() request: FastifyRequest, @CommandCtx() context: CommandContext) {
    await this.limits.check('refresh', request.ip);
    return this.commands.execute(new RefreshSession(body.refreshToken, context));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshBody, @CommandCtx() context: CommandContext) {
    await this.commands.execute(new RevokeSession({ refreshToken: body.refreshToken }, context));
  }

  @ApiBearerAuth()
  @Get('me')
  async me(@CurrentUser() user: AuthenticatedUser) {
    const account = await findAccount(this.db, user.id);
    if (!account) throw notFound('UserExists', 'no such user');
    return { ...account, sessionId: user.sessionId, permissions: [...user.permissions] };
  }

  @ApiBearerAuth()
  @Get('sessions')
  async sessions(@CurrentUser() user: AuthenticatedUser) {
    const sessions = await this.credentials.listSessions(user.id);
    return { items: sessions.map(({ userId: _, ...session }) => ({ ...session, current: session.id === user.sessionId })) };
  }

  @ApiBearerAuth()
  @Delete('sessions/:id')
  @HttpCode(204)
  async revokeSession(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    await this.commands.execute(new RevokeSession({ sessionId: id, userId: user.id }, context));
  }

  @ApiBearerAuth()
  @Post('password')
  @HttpCode(200)
  async changePassword(
    @Body() body: ChangePasswordBody,
    @Req() request: FastifyRequest,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    // A stolen access token must not be a way to guess the current password without limit.
    await this.limits.check('password', request.ip, user.id);
    return this.commands.execute(new ChangePassword(user.id, user.sessionId, body.currentPassword, body.newPassword, context));
  }
}
