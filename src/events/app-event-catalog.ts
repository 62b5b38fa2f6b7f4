/** The catalog of every event of the application: each context's entries, and nothing else. */
import type { AppEvent } from '../domain/app-event';
import type { EventCatalog } from './event-definition';
import { roleEvents, userEvents } from './identity.events';
import { ticketEvents } from './tickets.events';
import { channelEvents, chatMessageEvents } from './chat.events';
import { voiceChannelEvents } from './voice.events';
import { customerEvents, customerGroupEvents } from './customers.events';
import { projectEvents, taskEvents } from './projects.events';

export const appEventCatalog: EventCatalog<AppEvent> = {
  ...userEvents,
  ...roleEvents,
  ...ticketEvents,
  ...channelEvents,
  ...chatMessageEvents,
  ...voiceChannelEvents,
  ...customerEvents,
  ...customerGroupEvents,
  ...projectEvents,
  ...taskEvents,
};
