/**
 * An admin changes what a role may do. The answer waits until the roles view shows the change:
 * the access check reads that view on every request, so the very next request of every holder
 * of the role is judged by it, with no new login.
 */
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RoleCommand, roleDecider, roleStream } from '../../domain/identity/role.decider';
import { ProjectionProgress } from '../../projections/runtime/projection-progress';
import { rolesProjection } from '../../projections/identity/roles.projection';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';

export class ChangeRolePermissions extends Command<CommandResult> {
  constructor(readonly command: RoleCommand, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(ChangeRolePermissions)
export class ChangeRolePermissionsHandler implements ICommandHandler<ChangeRolePermissions> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly progress: ProjectionProgress,
  ) {}

  async execute({ command, context }: ChangeRolePermissions): Promise<CommandResult> {
    const { role } = command.data;
    const result = await this.runner.run(roleDecider, { id: role, stream: roleStream(role) }, command, context);
    await this.progress.waitFor(rolesProjection.name, result.position);
    return result;
  }
}
