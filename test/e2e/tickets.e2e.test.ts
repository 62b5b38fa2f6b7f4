/** The support desk over HTTP on PostgreSQL + NATS: tickets, statuses, history and as-of from the log. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { apiOf, userWithRole } from '../support/customer-api';

const ADMIN = { email: 'desk-admin@example.com', password: 'desk-admin-password' };

describe('support tickets (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: { accessToken: string; userId: string };
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    const login = await http(t.url, 'POST', '/api/v1/auth/login', { login: ADMIN.email, password: ADMIN.password });
    admin = login.body as typeof admin;
  });
  afterAll(async () => t?.close());

  const as = (token: string) => ({
    post: (path: string, body: unknown, headers: Record<string, string> = {}) => http(t.url, 'POST', `/api/v1${path}`, body, { ...bearer(token), ...headers }),
    get: (path: string) => http(t.url, 'GET', `/api/v1${path}`, undefined, bearer(token)),
  });

  it('goes from opening to closing as the table says, with history and as-of from the log', async () => {
    const user = await registerUser(t.url);
    const me = as(user.accessToken);
    const staff = as(admin.accessToken);

    const opened = await me.post('/tickets', {
      title: 'Printer jams on page two',
      message: 'Every time I print more than one page it jams.',
      priority: 'high',
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id: expect.any(String), revision: 1, position: expect.any(Number), messageId: expect.any(String) });
    const id = opened.body.id as string;
    const detail = await me.get(`/tickets/${id}?minPosition=${opened.body.position}`);
    expect(detail.body).toMatchObject({
      title: 'Printer jams on page two',
      status: 'open',
      priority: 'high',
      messageCount: 1,
      owner: { id: user.userId, username: user.username },
    });
    const beforeAnswer = new Date().toISOString();

    const answer = await staff.post(`/tickets/${id}/messages`, { content: 'Please try the other tray.' });
    expect(answer.status).toBe(201);
    const afterAnswer = await me.get(`/tickets/${id}?minPosition=${answer.body.position}`);
    expect(afterAnswer.body.status).toBe('waiting_for_user');
    expect(afterAnswer.body.messages.map((m: { author: { id: string } }) => m.author.id)).toEqual([user.userId, admin.userId]);
    expect(afterAnswer.body.messages[1].author).toMatchObject({ username: 'admin', displayName: 'Administrator' });

    const reply = await me.post(`/tickets/${id}/messages`, { content: 'Same with the other tray.' });
    expect((await me.get(`/tickets/${id}?minPosition=${reply.body.position}`)).body.status).toBe('waiting_for_admin');

    expect((await me.post(`/tickets/${id}/status`, { status: 'in_progress' })).body).toMatchObject({ code: 1003, rule: 'OnlyStaffMoveTicketsThere' });
    expect((await staff.post(`/tickets/${id}/status`, { status: 'in_progress' })).status).toBe(200);
    const closed = await me.post(`/tickets/${id}/status`, { status: 'closed' });
    expect(closed.status).toBe(200);
    const refused = await me.post(`/tickets/${id}/messages`, { content: 'One more thing' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 3003, rule: 'ClosedTicketTakesNoMessages' });

    const history = await me.get(`/tickets/${id}/history`);
    expect(history.body.items.map((h: { from: string | null; to: string }) => `${h.from}→${h.to}`)).toEqual([
      'null→open',
      'open→waiting_for_user',
      'waiting_for_user→waiting_for_admin',
      'waiting_for_admin→in_progress',
      'in_progress→closed',
    ]);
    expect(history.body.items[1]).toMatchObject({ by: admin.userId, cause: 'message' });
    expect(history.body.items[4]).toMatchObject({ by: user.userId, cause: 'request' });

    const past = await me.get(`/tickets/${id}?asOf=${encodeURIComponent(beforeAnswer)}`);
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ status: 'open', messageCount: 1, asOf: beforeAnswer });
    expect(past.body.messages).toHaveLength(1);
    expect((await me.get(`/tickets/${id}?asOf=2000-01-01T00:00:00Z`)).status).toBe(404);

    const stranger = as((await registerUser(t.url)).accessToken);
    for (const response of [
      await stranger.get(`/tickets/${id}`),
      await stranger.get(`/tickets/${id}/history`),
      await stranger.get(`/tickets/${id}?asOf=${encodeURIComponent(beforeAnswer)}`),
      await stranger.post(`/tickets/${id}/messages`, { content: 'hello?' }),
    ]) {
      expect(response.status).toBe(404);
    }
  });

  it('lets an auditor read every ticket and its history, and write in none', async () => {
    const owner = as((await registerUser(t.url)).accessToken);
    const opened = await owner.post('/tickets', { title: 'Audited', message: 'look at me' });
    const auditor = await userWithRole(t, apiOf(t, admin.accessToken), 'auditor');
    const listed = await auditor.api.get(`/tickets?limit=100&minPosition=${opened.body.position}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(opened.body.id);
    const detail = await auditor.api.get(`/tickets/${opened.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ title: 'Audited', messageCount: 1 });
    const history = await auditor.api.get(`/tickets/${opened.body.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    for (const refused of [
      await auditor.api.post(`/tickets/${opened.body.id}/messages`, { content: 'hello' }),
      await auditor.api.post('/tickets', { title: 'Mine', message: 'x' }),
    ]) {
      expect(refused.status).toBe(403);
    }
    // A guest holds neither tickets:read-own nor tickets:read-all.
    expect((await (await userWithRole(t, apiOf(t, admin.accessToken), 'guest')).api.get('/tickets')).body).toMatchObject({
      status: 403,
      detail: expect.stringContaining('tickets:read-all'),
    });
  });

  it("acts on others' tickets only with the permissions for it, as they are at the request", async () => {
    const adminApi = apiOf(t, admin.accessToken);
    const support = await userWithRole(t, adminApi, 'support');
    const opened = await as((await registerUser(t.url)).accessToken).post('/tickets', { title: 'Roles at work', message: 'hi' });
    const notes = `/tickets/${opened.body.id}/notes`;
    expect((await support.api.post(notes, { content: 'first note' })).status).toBe(201);
    try {
      expect((await adminApi.patch('/admin/roles/support', { revoke: ['tickets:internal-notes'] })).status).toBe(200);
      expect((await support.api.post(notes, { content: 'second note' })).body).toMatchObject({ status: 403, rule: 'OnlyStaffWriteInternalNotes' });
      expect((await adminApi.patch('/admin/roles/support', { grant: ['tickets:internal-notes'], revoke: ['tickets:read-all'] })).status).toBe(200);
      // Staff who do not read every ticket do not see this one, so cannot answer in it either.
      expect((await support.api.post(`/tickets/${opened.body.id}/messages`, { content: 'answer' })).status).toBe(404);
    } finally {
      expect((await adminApi.patch('/admin/roles/support', { grant: ['tickets:read-all', 'tickets:internal-notes'] })).status).toBe(200);
    }
    expect((await support.api.post(`/tickets/${opened.body.id}/messages`, { content: 'answer' })).status).toBe(201);
  });

  it('answers as-of the latest moment exactly as the live detail, customer included', async () => {
    const adminApi = apiOf(t, admin.accessToken);
    const customerOf = async (name: string) => ((await adminApi.post('/customers', { name })).body as { id: string }).id;
    const [first, second] = [await customerOf('First Customer'), await customerOf('Second Customer')];
    const staff = as(admin.accessToken);
    const opened = await staff.post('/tickets', { title: 'About a customer', message: 'they called', customerId: first });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    await staff.post(`/tickets/${id}/notes`, { content: 'a note' });
    await staff.post(`/tickets/${id}/tags`, { add: ['billing'] });
    const beforeLink = new Date().toISOString();
    const linked = await staff.post(`/tickets/${id}/customer`, { customerId: second });
    expect(linked.status).toBe(200);

    expect((await staff.get(`/tickets/${id}?asOf=${encodeURIComponent(beforeLink)}`)).body.customerId).toBe(first);
    const live = (await staff.get(`/tickets/${id}?minPosition=${linked.body.position}`)).body;
    expect(live.customerId).toBe(second);
    const { asOf, ...past } = (await staff.get(`/tickets/${id}?asOf=${encodeURIComponent(new Date().toISOString())}`)).body;
    expect(asOf).toEqual(expect.any(String));
    const { updatedAt: _updatedAt, revision: _revision, messages, ...fields } = live;
    expect(past).toEqual({ ...fields, messages: messages.map(({ read: _read, ...m }: { read: boolean }) => m) });
  });

  it('lands 50 concurrent messages to one ticket, in one order, with nothing lost', async () => {
    const user = await registerUser(t.url);
    const me = as(user.accessToken);
    const opened = await me.post('/tickets', { title: 'Busy ticket', message: 'first' });
    const posts = await Promise.all(Array.from({ length: 50 }, (_, i) => me.post(`/tickets/${opened.body.id}/messages`, { content: `message ${i}` })));
    expect(posts.map((p) => p.status)).toEqual(posts.map(() => 201));
    const last = Math.max(...posts.map((p) => p.body.position as number));
    const detail = await me.get(`/tickets/${opened.body.id}?minPosition=${last}`);
    const events = await t.infrastructure.store.readStream(`ticket-${opened.body.id}`);
    const posted = events.filter((e) => e.type === 'TicketMessagePosted');
    expect(posted).toHaveLength(51);
    expect(detail.body.messageCount).toBe(posted.length);
    expect(detail.body.messages.map((m: { id: string }) => m.id)).toEqual(posted.map((e) => e.data.messageId));
  });

  it('keeps internal notes from the owner, and posts a message once per Idempotency-Key', async () => {
    const user = await registerUser(t.url);
    const me = as(user.accessToken);
    const opened = await me.post('/tickets', { title: 'Notes', message: 'hello' });
    const note = await as(admin.accessToken).post(`/tickets/${opened.body.id}/notes`, { content: 'Customer is on the premium plan' });
    expect(note.status).toBe(201);
    expect((await me.post(`/tickets/${opened.body.id}/notes`, { content: 'sneaky' })).status).toBe(403);
    const mine = await me.get(`/tickets/${opened.body.id}?minPosition=${note.body.position}`);
    expect(mine.body.messages.map((m: { kind: string }) => m.kind)).toEqual(['message']);
    const staffView = await as(admin.accessToken).get(`/tickets/${opened.body.id}`);
    expect(staffView.body.messages.map((m: { kind: string }) => m.kind)).toEqual(['message', 'note']);

    const key = { 'idempotency-key': `post-once-${opened.body.id}` };
    const first = await me.post(`/tickets/${opened.body.id}/messages`, { content: 'only once' }, key);
    const again = await me.post(`/tickets/${opened.body.id}/messages`, { content: 'only once' }, key);
    expect(again.body).toEqual(first.body);
    const events = await t.infrastructure.store.readStream(`ticket-${opened.body.id}`);
    expect(events.filter((e) => e.data.content === 'only once')).toHaveLength(1);
  });

  it('lists my tickets (staff see all), filters, searches, counts unread and pages by cursor', async () => {
    const user = await registerUser(t.url);
    const other = await registerUser(t.url);
    const me = as(user.accessToken);
    const staff = as(admin.accessToken);
    const tickets: { id: string }[] = [];
    for (let i = 0; i < 5; i++)
      tickets.push(
        (await me.post('/tickets', { title: `Laptop issue ${i}`, message: i === 3 ? 'the keyboard rattles loudly' : 'it is slow' })).body as { id: string },
      );
    await as(other.accessToken).post('/tickets', { title: 'Not yours', message: 'hidden' });
    await staff.post(`/tickets/${tickets[0]!.id}/tags`, { add: ['hardware', 'Laptop'] });
    await staff.post(`/tickets/${tickets[0]!.id}/priority`, { priority: 'urgent' });
    await staff.post(`/tickets/${tickets[0]!.id}/assignee`, { assigneeId: admin.userId });
    const answer = await staff.post(`/tickets/${tickets[1]!.id}/messages`, { content: 'Have you tried restarting?' });
    const at = `minPosition=${answer.body.position}`;

    const mine = await me.get(`/tickets?limit=100&${at}`);
    expect(mine.body.items.map((r: { id: string }) => r.id).sort()).toEqual(tickets.map((x) => x.id).sort());
    const answered = mine.body.items.find((r: { id: string }) => r.id === tickets[1]!.id);
    expect(answered).toMatchObject({ messageCount: 2, unreadCount: 1, status: 'waiting_for_user' });

    const messageId = (await me.get(`/tickets/${tickets[1]!.id}`)).body.messages[1].id;
    const read = await me.post(`/tickets/${tickets[1]!.id}/read`, { upToMessageId: messageId });
    expect(
      (await me.get(`/tickets?limit=100&minPosition=${read.body.position}`)).body.items.find((r: { id: string }) => r.id === tickets[1]!.id).unreadCount,
    ).toBe(0);

    expect((await me.get('/tickets?tag=laptop')).body.items.map((r: { id: string }) => r.id)).toEqual([tickets[0]!.id]);
    expect((await me.get('/tickets?priority=urgent')).body.items.map((r: { id: string }) => r.id)).toEqual([tickets[0]!.id]);
    expect((await me.get(`/tickets?assigneeId=${admin.userId}`)).body.items.map((r: { id: string }) => r.id)).toEqual([tickets[0]!.id]);
    expect((await me.get('/tickets?q=keyboards')).body.items.map((r: { id: string }) => r.id)).toEqual([tickets[3]!.id]); // stemmed, in a message
    expect((await me.get('/tickets?q=laptop&status=waiting_for_user')).body.items.map((r: { id: string }) => r.id)).toEqual([tickets[1]!.id]);
    expect((await staff.get('/tickets?q=hidden')).body.items).toHaveLength(1);
    expect((await me.get('/tickets?q=hidden')).body.items).toHaveLength(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await me.get(`/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`)) as unknown as {
        body: { items: { id: string }[]; nextCursor: string | null };
      };
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(tickets.map((x) => x.id).sort());
    expect((await me.get('/tickets?cursor=garbage')).status).toBe(422);
  });

  it('bounds every text field and refuses nonsense with problem+json, writing nothing', async () => {
    const user = await registerUser(t.url);
    const me = as(user.accessToken);
    const head = await t.infrastructure.store.headPosition();
    expect((await me.post('/tickets', { title: '', message: 'x' })).status).toBe(400);
    expect((await me.post('/tickets', { title: 'x'.repeat(201), message: 'x' })).status).toBe(400);
    expect((await me.post('/tickets', { title: 'ok', message: 'x'.repeat(10_001) })).status).toBe(400);
    expect((await me.post('/tickets', { title: 'ok', message: 'x', priority: 'whenever' })).body.errors).toEqual([
      { path: 'priority', message: expect.any(String) },
    ]);
    const opened = await me.post('/tickets', { title: 'ok', message: 'fine' });
    expect((await me.post(`/tickets/${opened.body.id}/status`, { status: 'done' })).status).toBe(400);
    expect((await me.post(`/tickets/${opened.body.id}/read`, { upToMessageId: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
    expect((await as(admin.accessToken).post(`/tickets/${opened.body.id}/assignee`, { assigneeId: user.userId })).body).toMatchObject({
      rule: 'TicketsAreAssignedToStaff',
    });
    const events = await t.infrastructure.store.readStream(`ticket-${opened.body.id}`);
    expect(events).toHaveLength(2); // only the opening
    expect((await t.infrastructure.store.readAll({ after: head, limit: 100 })).filter((e) => e.stream.startsWith('ticket-'))).toHaveLength(2);
  });
});
