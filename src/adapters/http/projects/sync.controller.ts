/**
 * /api/v1/sync: the WatermelonDB sync protocol. GET pulls the changes since the client's last pull
 * from the `projects` view; POST pushes the client's changes, all or nothing. A push refused because
 * records changed on the server (or were deleted there) is a 409 `syncConflict` naming them: the
 * client pulls, then pushes again.
 */
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../../domain/errors';
import { PushedRecordsRefused } from '../../../domain/projects/pushed-records-refused';
import { PushSyncChanges } from '../../../commands/projects/push-sync-changes.handler';
import type { CommandContext } from '../../../commands/command-context';
import { PullSyncChanges } from '../../../projections/projects/projects.query-handlers';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { CommandCtx } from '../command-context.decorator';
import { problem } from '../problem-codes';
import { domainProblem, ProblemException } from '../problem-details.filter';
import { PullParams, PushBody, PushParams, toSyncPush } from './sync.schemas';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('sync')
@RequirePermission('sync:use')
export class SyncController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  pull(@Query() params: PullParams, @CurrentUser() user: AuthenticatedUser) {
    const migratedFrom = params.lastPulledAt && params.migration && params.migration.from < params.schemaVersion ? params.migration.from : null;
    return this.queries.execute(
      new PullSyncChanges({
        ownerId: user.id,
        sessionId: user.sessionId,
        lastPulledAt: params.lastPulledAt,
        schemaVersion: params.schemaVersion,
        migratedFrom,
      }),
    );
  }

  @Post()
  @HttpCode(200)
  async push(@Query() params: PushParams, @Body() body: PushBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    try {
      return await this.commands.execute(
        new PushSyncChanges(toSyncPush(body.changes), params.lastPulledAt, { ...context, actorId: user.id, sessionId: user.sessionId }),
      );
    } catch (error) {
      throw syncProblem(error);
    }
  }
}

/** Conflicts tell the client to pull and push again; refusals of particular records name them. */
function syncProblem(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const records = error instanceof PushedRecordsRefused ? { records: error.records } : {};
  if (error.kind === 'conflict') return new ProblemException(problem('syncConflict', error.message, { rule: error.rule, ...records }));
  return error instanceof PushedRecordsRefused ? new ProblemException({ ...domainProblem(error), ...records }) : error;
}
