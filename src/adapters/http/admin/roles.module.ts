/** Roles and their permissions, administered at run time. */
import { Module } from '@nestjs/common';
import { ChangeRolePermissionsHandler } from '../../../commands/identity/role-permissions.handler';
import { RolesController } from './roles.controller';

@Module({
  controllers: [RolesController],
  providers: [ChangeRolePermissionsHandler],
})
export class RolesModule {}
