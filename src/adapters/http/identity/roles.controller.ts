/**
 * /api/v1/admin/roles: what each role may do, changed at run time (as events) by whoever holds
 * `roles:manage`. A change counts from the next request of every holder of the role, with no new
 * login. `admin` keeps every permission.
 */
import { Body, Controller, Get, Inject, Param, Patch, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '../../../domain/identity/permissions';
import type { RoleCommand } from '../../../domain/identity/role.decider';
import { ChangeRolePermissions } from '../../../commands/identity/role-permissions.handler';
import type { CommandContext } from '../../../commands/command-context';
import { READ_MODEL_DB, type ReadModelDb } from '../../../projections/runtime/projection';
import { listRoles } from '../../../projections/identity/roles.queries';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { CommandCtx } from '../command-context.decorator';
import { RoleParams, RolePermissionChangesBody, RolePermissionsBody } from './roles.schemas';

const now = () => new Date().toISOString();

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/roles')
@RequirePermission('roles:manage')
export class RolesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  private async change(command: RoleCommand, context: CommandContext) {
    const result = await this.commands.execute(new ChangeRolePermissions(command, context));
    const role = (await listRoles(this.db)).find((r) => r.name === command.data.role);
    return { ...result, role };
  }

  /** Every role with its permissions now, and every permission there is. */
  @Get()
  async list() {
    return { items: await listRoles(this.db), permissions: PERMISSIONS };
  }

  @Get(':role')
  async get(@Param() { role }: RoleParams) {
    return (await listRoles(this.db)).find((r) => r.name === role);
  }

  @Put(':role')
  replace(@Param() { role }: RoleParams, @Body() body: RolePermissionsBody, @CurrentUser() admin: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.change({ type: 'SetRolePermissions', data: { role, permissions: body.permissions, by: admin.id, at: now() } }, context);
  }

  @Patch(':role')
  update(
    @Param() { role }: RoleParams,
    @Body() body: RolePermissionChangesBody,
    @CurrentUser() admin: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.change({ type: 'ChangeRolePermissions', data: { role, grant: body.grant, revoke: body.revoke, by: admin.id, at: now() } }, context);
  }
}
