/**
 * The topics a client may subscribe to, `<kind>:<uuid>`, and the internal uWS topic names the
 * gateway fans out on. Ids are matched in their canonical lowercase form only, because change
 * notices carry them that way and a topic name is compared byte for byte.
 */
export const TOPIC_KINDS = ['ticket', 'channel', 'user', 'presence'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

export interface Topic {
  kind: TopicKind;
  id: string;
  /** As the client wrote it and as pushes name it: `ticket:<id>`. */
  name: string;
}

const TOPIC = /^(ticket|channel|user|presence):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function parseTopic(name: string): Topic | null {
  const match = TOPIC.exec(name);
  return match ? { kind: match[1] as TopicKind, id: match[2]!, name } : null;
}

export const topicName = (kind: TopicKind, id: string) => `${kind}:${id}`;

/**
 * The uWS topic of a ticket's internal notes, joined only by staff subscribers of `ticket:<id>`.
 * Its `/` cannot occur in a client topic, so no client can name it.
 */
export const staffTopicOf = (ticketId: string) => `staff/ticket:${ticketId}`;
