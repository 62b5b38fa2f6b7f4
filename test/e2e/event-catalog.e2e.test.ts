/**
 * The event catalog at work on a running app (PostgreSQL + NATS): a ticket written straight into the
 * store in version 1's shape (TicketOpened without `customerId`) is read by the current code in
 * version 2's shape everywhere, by the decider, the projection, the history and as-of; and an event
 * that fails its schema is parked by the projection that reads its type, with a reason that names
 * the stream and the field, while the projections go on.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/commands/command-runner';
import { ticketDecider, ticketStream } from '../../src/domain/tickets/ticket.decider';
import type { EventToAppend } from '../../src/ports/event-store.port';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { waitUntil } from '../support/poll';

const at = '2026-01-05T10:00:00.000Z';

function stored(type: string, data: Record<string, unknown>, schemaVersion: number): EventToAppend {
  const commandId = randomUUID();
  return { id: randomUUID(), type, data, metadata: { actorId: null, commandId, correlationId: commandId, causationId: commandId, schemaVersion } };
}

describe('event catalog: upcasting and schema failures (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const get = (token: string, path: string) => http(t.url, 'GET', `/api/v1${path}`, undefined, bearer(token));
  const parked = (projection: string) => t.database.db.selectFrom('projection_parked_events').selectAll().where('projection', '=', projection).execute();

  it('replays a ticket written at version 1 through the decider, the projection, history and as-of, all in the upcast shape', async () => {
    const owner = await registerUser(t.url);
    const ticketId = randomUUID();
    const messageId = randomUUID();
    const stream = ticketStream(ticketId);
    // Version 1 of TicketOpened: no customerId at all.
    const written = await t.infrastructure.store.append(
      stream,
      [
        stored('TicketOpened', { ticketId, ownerId: owner.userId, title: 'Written long ago', priority: 'normal', at }, 1),
        stored('TicketMessagePosted', { ticketId, messageId, authorId: owner.userId, byStaff: false, content: 'From the old days', at }, 1),
      ],
      'no_stream',
    );

    const [opened] = await t.infrastructure.events.readStream(stream, { maxCount: 1 });
    expect(opened).toMatchObject({ type: 'TicketOpened', data: { customerId: null }, metadata: { schemaVersion: 2 } });
    const [raw] = await t.infrastructure.store.readStream(stream, { maxCount: 1 });
    expect(raw!.data).not.toHaveProperty('customerId'); // the log itself is never rewritten

    const state = await t.app.get(CommandRunner).current(ticketDecider, stream);
    expect(state).toMatchObject({ status: 'open', ownerId: owner.userId, customerId: null });

    const detail = await get(owner.accessToken, `/tickets/${ticketId}?minPosition=${written.position}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: ticketId, title: 'Written long ago', customerId: null, messageCount: 1 });

    // A command decides on the upcast state: the owner answers, the stream goes on at version 2's shape.
    const answered = await http(t.url, 'POST', `/api/v1/tickets/${ticketId}/messages`, { content: 'Still here' }, bearer(owner.accessToken));
    expect(answered.status).toBe(201);

    const history = await get(owner.accessToken, `/tickets/${ticketId}/history`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('"to":"open"');

    const asOf = await get(owner.accessToken, `/tickets/${ticketId}?asOf=${encodeURIComponent(new Date().toISOString())}`);
    expect(asOf.status).toBe(200);
    expect(asOf.body).toHaveProperty('customerId', null);
    expect(asOf.body).toMatchObject({ title: 'Written long ago', messageCount: 2 });
    expect(await parked('tickets')).toEqual([]);
  });

  it('parks an event that fails its schema in the projection that reads it, says why, and every projection goes on', async () => {
    const owner = await registerUser(t.url);
    const opened = await http(t.url, 'POST', '/api/v1/tickets', { title: 'Will be broken', message: 'first', priority: 'low' }, bearer(owner.accessToken));
    expect(opened.status).toBe(201);
    const ticketId = opened.body.id as string;
    const stream = ticketStream(ticketId);
    const broken = await t.infrastructure.store.append(
      stream,
      [stored('TicketMessagePosted', { ticketId, messageId: randomUUID(), authorId: owner.userId, byStaff: false, content: 42, at }, 1)],
      opened.body.revision as number,
    );

    await waitUntil(async () => (await parked('tickets')).some((row) => Number(row.position) === broken.position), 15_000, 'the broken event parked');
    const [row] = (await parked('tickets')).filter((r) => Number(r.position) === broken.position);
    expect(row).toMatchObject({ event_type: 'TicketMessagePosted', stream, attempts: 1 });
    expect(row!.error).toContain(`${stream}@${broken.revision}`);
    expect(row!.error).toContain('content');

    // The projections go on: a later ticket is projected, and a user registered after it is in the users view.
    const later = await http(t.url, 'POST', '/api/v1/tickets', { title: 'After the broken one', message: 'fine', priority: 'low' }, bearer(owner.accessToken));
    const laterDetail = await get(owner.accessToken, `/tickets/${later.body.id}?minPosition=${later.body.position}`);
    expect(laterDetail.body).toMatchObject({ title: 'After the broken one' });
    const newcomer = await registerUser(t.url);
    await waitUntil(
      async () => !!(await t.database.db.selectFrom('users').select('id').where('id', '=', newcomer.userId).executeTakeFirst()),
      10_000,
      'the newcomer projected',
    );
    for (const view of ['users', 'chat', 'voice', 'roles', 'customers', 'projects']) expect(await parked(view)).toEqual([]);

    // A command on the broken stream fails its read, appending nothing.
    const refused = await http(t.url, 'POST', `/api/v1/tickets/${ticketId}/messages`, { content: 'again' }, bearer(owner.accessToken));
    expect(refused.status).toBe(500);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await t.infrastructure.store.readStream(stream, { fromRevision: broken.revision + 1 })).toEqual([]);
  });

  it('refuses to append an event that fails its schema, and writes nothing of the command', async () => {
    const stream = ticketStream(randomUUID());
    await expect(
      t.infrastructure.events.append(
        stream,
        [stored('TicketOpened', { ticketId: 'x', ownerId: 'y', title: 'no priority', customerId: null, at }, 2)],
        'no_stream',
      ),
    ).rejects.toThrow(/TicketOpened v2 appended to ticket-.*: data fails its schema: priority/);
    expect(await t.infrastructure.store.readStream(stream)).toEqual([]);
  });
});
