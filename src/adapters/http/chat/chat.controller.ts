/**
 * /api/v1/channels and /api/v1/messages: channels, members, invitations and messages. Only members
 * read or post; naming another user invites them (a platform admin adds them directly), and the
 * invitee answers at /channels/:id/invitation/accept or /decline.
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { notFound } from '../../../domain/errors';
import type { ChannelActor } from '../../../domain/chat/channel.decider';
import { ChannelRequest, ChatMessageRequest, HandleChannelCommand, HandleChatMessageCommand } from '../../../commands/chat/chat-command.handlers';
import { CommandContext, derivedId } from '../../../commands/command-context';
import { READ_MODEL_DB, type ReadModelDb } from '../../../projections/runtime/projection';
import { ProjectionProgress } from '../../../projections/runtime/projection-progress';
import { channelDetail, channelMessages, ChatViewer, isMember, myChannels, myInvitations } from '../../../projections/chat/chat.queries';
import { chatProjection } from '../../../projections/chat/chat.projection';
import { AuthenticatedUser, CurrentUser, RequirePermission } from '../../auth/authenticated-user';
import { problem } from '../problem-codes';
import { ProblemException } from '../problem-details.filter';
import { CommandCtx } from '../command-context.decorator';
import { AddMemberBody, CreateChannelBody, EditMessageBody, MessagesPageQuery, PostMessageBody, ReadQuery, UpdateChannelBody } from './chat.schemas';

const actorOf = (user: AuthenticatedUser): ChannelActor => ({ id: user.id, admin: user.permissions.has('channels:moderate') });
const viewerOf = (user: AuthenticatedUser): ChatViewer => ({ id: user.id, moderator: user.permissions.has('channels:moderate') });
const now = () => new Date().toISOString();
const noSuchChannel = () => notFound('ChannelsAreVisibleToMembers', 'no such channel');

@ApiTags('chat')
@ApiBearerAuth()
@Controller()
@RequirePermission('channels:read')
export class ChatController {
  constructor(
    private readonly commands: CommandBus,
    private readonly progress: ProjectionProgress,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  private channel(command: ChannelRequest, context: CommandContext) {
    return this.commands.execute(new HandleChannelCommand(command, context));
  }

  private message(command: ChatMessageRequest, context: CommandContext) {
    return this.commands.execute(new HandleChatMessageCommand(command, context));
  }

  @Post('channels')
  @RequirePermission('channels:write')
  create(@Body() body: CreateChannelBody, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    const channelId = derivedId(context.commandId, 'channel');
    const { type: kind, members, ...settings } = body;
    return this.channel({ type: 'CreateChannel', data: { channelId, kind, settings, members, actor: actorOf(user), at: now() } }, context);
  }

  @Get('channels')
  async list(@Query() query: ReadQuery, @CurrentUser() user: AuthenticatedUser) {
    await this.progress.waitFor(chatProjection.name, query.minPosition);
    return { items: await myChannels(this.db, viewerOf(user)) };
  }

  /** Before `channels/:id`, though the router prefers the static path anyway. */
  @Get('channels/invitations')
  async invitations(@Query() query: ReadQuery, @CurrentUser() user: AuthenticatedUser) {
    await this.progress.waitFor(chatProjection.name, query.minPosition);
    return { items: await myInvitations(this.db, user.id) };
  }

  @Post('channels/:id/invitation/accept')
  @HttpCode(200)
  @RequirePermission('channels:write')
  accept(@Param('id', ParseUUIDPipe) channelId: string, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.channel({ type: 'AcceptChannelInvitation', data: { channelId, actor: actorOf(user), at: now() } }, context);
  }

  @Post('channels/:id/invitation/decline')
  @HttpCode(200)
  @RequirePermission('channels:write')
  decline(@Param('id', ParseUUIDPipe) channelId: string, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.channel({ type: 'DeclineChannelInvitation', data: { channelId, actor: actorOf(user), at: now() } }, context);
  }

  @Get('channels/:id')
  async get(@Param('id', ParseUUIDPipe) id: string, @Query() query: ReadQuery, @CurrentUser() user: AuthenticatedUser) {
    await this.progress.waitFor(chatProjection.name, query.minPosition);
    const channel = await channelDetail(this.db, id, viewerOf(user));
    if (!channel) throw noSuchChannel();
    return channel;
  }

  @Patch('channels/:id')
  @RequirePermission('channels:write')
  update(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Body() body: UpdateChannelBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.channel({ type: 'UpdateChannel', data: { channelId, changes: body, actor: actorOf(user), at: now() } }, context);
  }

  @Delete('channels/:id')
  @RequirePermission('channels:write')
  remove(@Param('id', ParseUUIDPipe) channelId: string, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.channel({ type: 'DeleteChannel', data: { channelId, actor: actorOf(user), at: now() } }, context);
  }

  @Post('channels/:id/members')
  @RequirePermission('channels:write')
  addMember(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Body() body: AddMemberBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.channel({ type: 'AddChannelMember', data: { channelId, userId: body.userId, actor: actorOf(user), at: now() } }, context);
  }

  @Delete('channels/:id/members/:userId')
  @RequirePermission('channels:write')
  removeMember(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.channel({ type: 'RemoveChannelMember', data: { channelId, userId, actor: actorOf(user), at: now() } }, context);
  }

  @Get('channels/:id/messages')
  async messages(@Param('id', ParseUUIDPipe) channelId: string, @Query() query: MessagesPageQuery, @CurrentUser() user: AuthenticatedUser) {
    await this.progress.waitFor(chatProjection.name, query.minPosition);
    if (!(await isMember(this.db, channelId, user.id))) throw noSuchChannel();
    const page = await channelMessages(this.db, channelId, query);
    if ('unknownCursor' in page) {
      const path = page.unknownCursor;
      throw new ProblemException(
        problem('validationFailed', `${path} names no message of this channel`, { errors: [{ path, message: 'no such message in this channel' }] }),
      );
    }
    return page;
  }

  @Post('channels/:id/messages')
  @RequirePermission('channels:write')
  async post(
    @Param('id', ParseUUIDPipe) channelId: string,
    @Body() body: PostMessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    // A client nonce names the message: its retry is the same message, posted once.
    const messageId = body.nonce ? derivedId(`${channelId}/${user.id}`, `nonce:${body.nonce}`) : derivedId(context.commandId, 'message');
    const result = await this.message(
      {
        type: 'PostChatMessage',
        data: { messageId, channelId, content: body.content, replyTo: body.replyTo, nonce: body.nonce, actor: actorOf(user), at: now() },
      },
      context,
    );
    return { ...result, channelId };
  }

  @Patch('messages/:id')
  @RequirePermission('channels:write')
  edit(
    @Param('id', ParseUUIDPipe) messageId: string,
    @Body() body: EditMessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ) {
    return this.message({ type: 'EditChatMessage', data: { messageId, content: body.content, actor: actorOf(user), at: now() } }, context);
  }

  @Delete('messages/:id')
  @HttpCode(200)
  @RequirePermission('channels:write')
  delete(@Param('id', ParseUUIDPipe) messageId: string, @CurrentUser() user: AuthenticatedUser, @CommandCtx() context: CommandContext) {
    return this.message({ type: 'DeleteChatMessage', data: { messageId, actor: actorOf(user), at: now() } }, context);
  }
}
