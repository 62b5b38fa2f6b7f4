/** HTTP, commands and queries of the fixture notes, mounted into the real app by tests. */
import { Body, Controller, Get, Inject, Injectable, Module, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler, IQueryHandler, Query as CqrsQuery, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CommandRunner } from '../../../src/commands/command-runner';
import { CommandContext, CommandResult, derivedId } from '../../../src/commands/command-context';
import { CommandCtx } from '../../../src/adapters/http/command-context.decorator';
import { minPositionQuery } from '../../../src/adapters/http/read-your-writes';
import { ProjectionProgress } from '../../../src/projections/runtime/projection-progress';
import { READ_MODEL_DB, type ReadModelDb } from '../../../src/projections/runtime/projection';
import { notFound } from '../../../src/domain/errors';
import { noteDecider } from './note.decider';
import { notesProjection } from './notes.projection';
import { Public } from '../../../src/adapters/auth/authenticated-user';

class NoteBody extends createZodDto(z.object({ title: z.string().min(1).max(200) })) {}
class MinPosition extends createZodDto(minPositionQuery) {}

export class CreateNote extends Command<CommandResult> {
  constructor(
    readonly title: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
export class RenameNote extends Command<CommandResult> {
  constructor(
    readonly noteId: string,
    readonly title: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
export class GetNote extends CqrsQuery<unknown> {
  constructor(
    readonly noteId: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

const streamOf = (noteId: string) => `note-${noteId}`;

@CommandHandler(CreateNote)
@Injectable()
export class CreateNoteHandler implements ICommandHandler<CreateNote> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ title, context }: CreateNote) {
    const noteId = derivedId(context.commandId, 'note');
    return this.runner.run(
      noteDecider,
      { id: noteId, stream: streamOf(noteId) },
      { type: 'CreateNote', data: { noteId, title, at: new Date().toISOString() } },
      context,
    );
  }
}

@CommandHandler(RenameNote)
@Injectable()
export class RenameNoteHandler implements ICommandHandler<RenameNote> {
  constructor(private readonly runner: CommandRunner) {}
  execute({ noteId, title, context }: RenameNote) {
    return this.runner.run(
      noteDecider,
      { id: noteId, stream: streamOf(noteId) },
      { type: 'RenameNote', data: { noteId, title, at: new Date().toISOString() } },
      context,
    );
  }
}

@QueryHandler(GetNote)
@Injectable()
export class GetNoteHandler implements IQueryHandler<GetNote> {
  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly progress: ProjectionProgress,
  ) {}
  async execute({ noteId, minPosition }: GetNote) {
    await this.progress.waitFor(notesProjection.name, minPosition);
    const note = await this.db.selectFrom('test_notes').selectAll().where('id', '=', noteId).executeTakeFirst();
    if (!note) throw notFound('NoteExists', `no note ${noteId}`);
    return note;
  }
}

@Public()
@Controller('test-notes')
export class NotesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  create(@Body() body: NoteBody, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new CreateNote(body.title, context));
  }

  @Post(':id/title')
  rename(@Param('id', ParseUUIDPipe) id: string, @Body() body: NoteBody, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new RenameNote(id, body.title, context));
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string, @Query() query: MinPosition) {
    return this.queries.execute(new GetNote(id, query.minPosition));
  }
}

@Module({
  controllers: [NotesController],
  providers: [CreateNoteHandler, RenameNoteHandler, GetNoteHandler],
})
export class NotesModule {}
