/**
 * Voice commands, for the HTTP API (moderation) and the realtime gateway (joining, leaving,
 * muting) alike. A command that needs the chat channel's state (is it a voice channel, is the
 * user a member, who owns it) gets it folded from the channel's own stream, not a read model.
 *
 * One voice channel per user at a time spans two streams, `voice-<old>` and `voice-<new>`, and
 * is kept by the handler, not by one atomic decision: it checks that the new channel would take
 * the user, leaves every other channel the user is listed in (reason `switched`), then joins.
 * Where the user is listed comes from the participants read model, read once the `voice`
 * projection has caught up with the log as it was when the join began (bounded wait), plus the
 * channel the caller knows the user's connection is in. A crash between the leave and the join
 * leaves the user in no channel, never in two; two joins racing from two connections of one user
 * within the projection's lag can leave both listed until either connection leaves, switches or
 * times out. Each step's command id derives from the join's, so a retried join repeats nothing.
 */
import type { ChannelState } from '../../domain/chat/channel.decider';
import { channelDecider, channelStream } from '../../domain/chat/channel.decider';
import { VoiceChannelCommand, voiceChannelDecider, voiceStream } from '../../domain/voice/voice-channel.decider';
import { CommandContext, CommandResult, derivedId } from '../command-context';
import type { CommandRunner } from '../command-runner';
import type { VoiceParticipantLocator } from '../../ports/voice-participants.port';

/** A voice command as a caller asks for it: the channel's state is not the caller's to say. */
export type VoiceRequest = WithoutChannel<VoiceChannelCommand>;
type WithoutChannel<C> = C extends { type: infer T; data: infer D extends { channel: ChannelState } } ? { type: T; data: Omit<D, 'channel'> } : C;

type JoinRequest = Extract<VoiceRequest, { type: 'JoinVoiceChannel' }>;

export class VoiceCommands {
  constructor(
    private readonly runner: CommandRunner,
    private readonly locator: VoiceParticipantLocator,
  ) {}

  /** `currentChannelId`: the channel the caller knows this user's connection is in, if any. */
  async execute(request: VoiceRequest, context: CommandContext, currentChannelId?: string): Promise<CommandResult> {
    if (request.type === 'JoinVoiceChannel') return this.join(request, context, currentChannelId);
    return this.run(await this.withChannel(request), context);
  }

  private async join(request: JoinRequest, context: CommandContext, currentChannelId?: string): Promise<CommandResult> {
    const { channelId, userId, at } = request.data;
    const command = await this.withChannel(request);
    // Refused here (not a member, full, …) before anything is left behind.
    voiceChannelDecider.decide(command, await this.runner.current(voiceChannelDecider, voiceStream(channelId)));
    const listed = new Set([...(await this.locator.channelsOf(userId)), ...(currentChannelId ? [currentChannelId] : [])]);
    listed.delete(channelId);
    for (const other of listed) {
      const leave = { commandId: derivedId(context.commandId, `switch-from:${other}`), causationId: context.commandId };
      await this.run({ type: 'LeaveVoiceChannel', data: { channelId: other, userId, reason: 'switched', at } }, { ...context, ...leave });
    }
    return this.run(command, context);
  }

  private async withChannel(request: VoiceRequest): Promise<VoiceChannelCommand> {
    if (!needsChannel(request)) return request;
    const channel = await this.runner.current(channelDecider, channelStream(request.data.channelId));
    return { ...request, data: { ...request.data, channel } } as VoiceChannelCommand;
  }

  private run(command: VoiceChannelCommand, context: CommandContext): Promise<CommandResult> {
    const { channelId } = command.data;
    return this.runner.run(voiceChannelDecider, { id: channelId, stream: voiceStream(channelId) }, command, context);
  }
}

const CHANNEL_AWARE: ReadonlySet<VoiceChannelCommand['type']> = new Set([
  'JoinVoiceChannel',
  'SetServerMute',
  'DisconnectVoiceParticipant',
  'SetVoiceUserLimit',
]);

function needsChannel(request: VoiceRequest): request is Exclude<VoiceRequest, VoiceChannelCommand> {
  return CHANNEL_AWARE.has(request.type);
}
