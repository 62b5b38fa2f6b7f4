/** Every event of the application, one union: what the event catalog (src/events) parses every stored event into. */
import type { ChannelEvent } from './chat/channel.decider';
import type { ChatMessageEvent } from './chat/chat-message.decider';
import type { CustomerGroupEvent } from './customers/customer-group.decider';
import type { CustomerEvent } from './customers/customer.decider';
import type { RoleEvent } from './identity/role.decider';
import type { UserEvent } from './identity/user.decider';
import type { ProjectEvent } from './projects/project.decider';
import type { TaskEvent } from './projects/task.decider';
import type { TicketEvent } from './tickets/ticket.decider';
import type { VoiceChannelEvent } from './voice/voice-channel.decider';

export type AppEvent =
  UserEvent | RoleEvent | TicketEvent | ChannelEvent | ChatMessageEvent | VoiceChannelEvent | CustomerEvent | CustomerGroupEvent | ProjectEvent | TaskEvent;
