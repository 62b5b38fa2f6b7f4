/**
 * /api/v1/admin/projections: where each projection stands (checkpoint, lag, state, last error,
 * parked events) and a rebuild from the log while the app runs. Needs `projections:manage` (admin).
 */
import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { readProjectionStatuses, ProjectionStatus } from '../../../projections/runtime/projection-status';
import type { Infrastructure } from '../../infrastructure';
import { INFRASTRUCTURE } from '../../infrastructure.tokens';
import { RequirePermission } from '../../auth/authenticated-user';
import { ProjectionRebuilds } from './projection-rebuilds';
import { ProjectionParams, ProjectionsReport, ProjectionStatusBody, RebuildAccepted } from './projections-admin.schemas';

const PARKED_SHOWN = 10;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
@RequirePermission('projections:manage')
export class ProjectionsAdminController {
  constructor(
    @Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure,
    private readonly rebuilds: ProjectionRebuilds,
  ) {}

  @Get()
  @ApiOperation({ summary: `Each projection's checkpoint, lag, state (live, rebuilding, failed), last error and parked events (the ${PARKED_SHOWN} latest).` })
  @ApiOkResponse({ type: ProjectionsReport.Output })
  async list(): Promise<ProjectionsReport> {
    const { database, store, projectors } = this.infrastructure;
    const { head, projections } = await readProjectionStatuses(
      database.db,
      store,
      projectors.map((p) => p.name),
      { parkedLimit: PARKED_SHOWN },
    );
    return { head, projections: projections.map((status) => this.toBody(status)) };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild a projection from the event log while the app runs; follow its progress in GET /admin/projections. 409 while it is being rebuilt.',
  })
  @ApiAcceptedResponse({ type: RebuildAccepted.Output })
  async rebuild(@Param() { name }: ProjectionParams): Promise<RebuildAccepted> {
    const rebuild = await this.rebuilds.start(name);
    return { projection: name, state: 'rebuilding', rebuild };
  }

  private toBody({ lastError, failingSince, parked, ...status }: ProjectionStatus): ProjectionStatusBody {
    return {
      ...status,
      lastError: lastError && { message: lastError.message, at: lastError.at?.toISOString() ?? null },
      failingSince: failingSince?.toISOString() ?? null,
      parked: { count: parked.count, latest: parked.latest.map((p) => ({ ...p, parkedAt: p.parkedAt.toISOString() })) },
      rebuild: this.rebuilds.latest(status.name),
    };
  }
}
