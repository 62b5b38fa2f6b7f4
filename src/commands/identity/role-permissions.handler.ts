/**
 * An admin changes what a role may do. The answer waits until the roles view shows the change:
 * the access check reads that view on every request, so the very next request of every holder
 * of the role is judged by it, with no new login.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RoleCommand, roleDecider, roleStream } from '../../domain/identity/role.decider';
import { READ_MODEL_PROGRESS, type ReadModelProgress } from '../../ports/read-model-progress.port';
import { CommandRunner } from '../command-runner';
import type { CommandContext, CommandResult } from '../command-context';

export class ChangeRolePermissions extends Command<CommandResult> {
  constructor(
    readonly command: RoleCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeRolePermissions)
export class ChangeRolePermissionsHandler implements ICommandHandler<ChangeRolePermissions> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
  ) {}

  async execute({ command, context }: ChangeRolePermissions): Promise<CommandResult> {
    const { role } = command.data;
    const result = await this.runner.run(roleDecider, { id: role, stream: roleStream(role) }, command, context);
    await this.progress.waitFor('roles', result.position);
    return result;
  }
}
