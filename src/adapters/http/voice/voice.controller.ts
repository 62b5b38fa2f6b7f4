/**
 * /api/v1/channels/:id/voice: who is in a voice channel (members and moderators read it), and
 * moderation: the user limit, server-mute, disconnect. Joining, leaving and self-mute go over the
 * realtime gateway, beside the media session they belong to.
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { notFound } from '../../../domain/errors';
import type { VoiceActor } from '../../../domain/voice/voice-channel.decider';
import { HandleVoiceCommand } from '../../../commands/voice/handle-voice-command';
import type { VoiceRequest } from '../../../commands/voice/voice-commands';
import type { CommandContext } from '../../../commands/command-context';
import { READ_MODEL_DB, type ReadModelDb } from '../../../projections/runtime/projection';
import { ProjectionProgress } from '../../../projections/runtime/projection-progress';
import { chatProjection } from '../../../projections/chat/chat.projection';
import { voiceProjection } from '../../../projections/voice/voice.projection';
import { voiceChannelView } from '../../../projections/voice/voice.queries';
import { isMember } from '../../../projections/chat/chat.queries';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { CommandCtx } from '../command-context.decorator';
import { VoiceParticipantBody, VoiceReadQuery, VoiceSettingsBody } from './voice.schemas';

const moderates = (user: AuthenticatedUser) => user.permissions.has('channels:moderate');
const actorOf = (user: AuthenticatedUser): VoiceActor => ({ id: user.id, moderator: moderates(user) });
const now = () => new Date().toISOString();

@ApiTags('voice')
@ApiBearerAuth()
@Controller('channels/:id/voice')
@RequirePermission('channels:read')
export class VoiceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly progress: ProjectionProgress,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  private voice(request: VoiceRequest, context: CommandContext) {
    return this.commands.execute(new HandleVoiceCommand(request, context));
  }

  @Get()
  async get(@Param('id', ParseUUIDPipe) channelId: string, @Query() query: VoiceReadQuery, @CurrentUser() user: AuthenticatedUser) {
    await Promise.all([this.progress.waitFor(voiceProjection.name, query.minPosition), this.progress.waitFor(chatProjection.name, query.minPosition)]);
    const channel = await this.db.selectFrom('channels').select('kind').where('id', '=', channelId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!channel || (!moderates(user) && !(await isMember(this.db, channelId, user.id)))) throw notFound('ChannelsAreVisibleToMembers', 'no such channel');
    if (channel.kind !== 'voice') throw notFound('OnlyVoiceChannelsHaveVoice', 'this is not a voice channel');
    return voiceChannelView(this.db, channelId);
  }

  @Patch()
  @RequirePermission('channels:write')
  settings(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Body() body: VoiceSettingsBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.voice({ type: 'SetVoiceUserLimit', data: { channelId, limit: body.userLimit, actor: actorOf(user), at: now() } }, context);
  }

  @Patch('participants/:userId')
  @RequirePermission('channels:write')
  serverMute(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() body: VoiceParticipantBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.voice({ type: 'SetServerMute', data: { channelId, userId, muted: body.serverMuted, actor: actorOf(user), at: now() } }, context);
  }

  @Delete('participants/:userId')
  @HttpCode(200)
  @RequirePermission('channels:write')
  disconnect(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.voice({ type: 'DisconnectVoiceParticipant', data: { channelId, userId, actor: actorOf(user), at: now() } }, context);
  }
}
