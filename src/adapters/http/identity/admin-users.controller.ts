/** /api/v1/admin/users: an admin changes a role or deactivates an account. */
import { Body, Controller, Param, ParseUUIDPipe, Patch, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChangeUserRole, DeactivateUser } from '../../../commands/identity/identity.commands';
import type { CommandContext } from '../../../commands/command-context';
import { CommandCtx } from '../command-context.decorator';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { RoleBody, UserPatchBody } from './auth.schemas';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users')
@RequirePermission('users:manage')
export class AdminUsersController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':id/role')
  changeRole(@Param('id', ParseUUIDPipe) id: string, @Body() body: RoleBody, @CurrentUser() admin: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeUserRole(id, body.role, { ...context, actorId: admin.id }));
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() _body: UserPatchBody, @CurrentUser() admin: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new DeactivateUser(id, { ...context, actorId: admin.id }));
  }
}
