/**
 * A channel with other members, as a client makes one now: the creator names them (which invites
 * them) and each accepts. Answers like the creating request, with the position of the last
 * acceptance, so that a read given it sees every member.
 */
import { bearer, http } from './app';

interface Member {
  userId: string;
  accessToken: string;
}

export async function channelWith(base: string, owner: { accessToken: string }, members: readonly Member[], body: Record<string, unknown> = {}) {
  const created = await http(base, 'POST', '/api/v1/channels', { name: 'together', ...body, members: members.map((m) => m.userId) }, bearer(owner.accessToken));
  if (created.status !== 201) throw new Error(`channel refused: ${created.status} ${JSON.stringify(created.body)}`);
  let position = created.body.position as number;
  for (const member of members) {
    const accepted = await http(base, 'POST', `/api/v1/channels/${created.body.id as string}/invitation/accept`, undefined, bearer(member.accessToken));
    if (accepted.status !== 200) throw new Error(`invitation not accepted: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    position = accepted.body.position as number;
  }
  return { ...created, body: { ...created.body, position } as typeof created.body };
}
