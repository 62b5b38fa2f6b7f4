/**
 * Which realtime topics a change notice goes to: the one table between read-model views and
 * what clients subscribe to. `channel` is the uWS topic to publish on, `topic` the name the
 * client sees (they differ for internal notes, which only staff subscribers join).
 */
import type { ChangeNotice } from '../../ports/change-bus.port';
import { staffTopicOf, topicName } from './topics';

export interface ChangeTopic {
  channel: string;
  topic: string;
}

const INTERNAL_SUFFIX = '-internal';
/** The chat view's notices for an invitee (`inviteeKey` of the chat projection) go to their own topic. */
const INVITEE_PREFIX = 'invitee-';

export function topicsOfChange(change: Pick<ChangeNotice, 'view' | 'key'>): ChangeTopic[] {
  const { view, key } = change;
  if (typeof key !== 'string' || key === '') return [];
  switch (view) {
    case 'tickets': {
      if (key.endsWith(INTERNAL_SUFFIX)) {
        const ticketId = key.slice(0, -INTERNAL_SUFFIX.length);
        return [{ channel: staffTopicOf(ticketId), topic: topicName('ticket', ticketId) }];
      }
      return [same(topicName('ticket', key))];
    }
    case 'chat':
      if (key.startsWith(INVITEE_PREFIX)) return [same(topicName('user', key.slice(INVITEE_PREFIX.length)))];
      return [same(topicName('channel', key))];
    case 'voice': // who is in a voice channel, for every member watching the channel
      return [same(topicName('channel', key))];
    case 'users':
      return [same(topicName('user', key))];
    default:
      return [];
  }
}

const same = (topic: string): ChangeTopic => ({ channel: topic, topic });
