/** Customer management over HTTP on PostgreSQL + NATS: CRUD with ETag/If-Match, lists, statistics, batches, tickets, permissions. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TestApp } from '../support/app';
import { Api, checkEachPermission, loginAdmin, userWithRole } from '../support/customer-api';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../src/domain/identity/permissions';
import { CommandRunner } from '../../src/commands/command-runner';

const ADMIN = { email: 'customers-admin@example.com', password: 'customers-admin-password' };
const CUSTOMER_PERMISSIONS = PERMISSIONS.filter((p) => p.startsWith('customers:'));

describe('customers (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: Api;
  let support: Awaited<ReturnType<typeof userWithRole>>;
  let plain: Awaited<ReturnType<typeof userWithRole>>;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    admin = (await loginAdmin(t, ADMIN)).api;
    support = await userWithRole(t, admin, 'support');
    plain = await userWithRole(t, admin, 'user');
  });
  afterAll(async () => t?.close());

  const revisionOf = async (id: string) => (await t.infrastructure.store.readStream(`customer-${id}`)).length - 1;
  const create = async (body: Record<string, unknown>) => {
    const created = await support.api.post('/customers', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; revision: number; position: number };
  };

  it('creates, reads with an ETag, replaces under If-Match, and deletes softly', async () => {
    const created = await support.api.post('/customers', {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      company: 'Analytical Engines',
      tags: ['VIP'],
      ownerId: support.userId,
      address: { city: 'London' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"0"');
    expect(created.body).toEqual({ id: expect.any(String), revision: 0, position: expect.any(Number) });
    const id = created.body.id as string;

    const read = await support.api.get(`/customers/${id}?minPosition=${created.body.position}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"0"');
    expect(read.body).toMatchObject({
      id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: null,
      company: 'Analytical Engines',
      address: { city: 'London' },
      status: 'active',
      tags: ['vip'],
      ownerId: support.userId,
      revision: 0,
      groups: [],
      tickets: [],
    });

    const replaced = await support.api.put(
      `/customers/${id}`,
      { name: 'Ada King', email: 'ada@example.com', status: 'inactive', tags: ['vip', 'countess'] },
      { 'if-match': '"0"' },
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.revision).toBe(4); // name and company (profile), status, owner, tags
    expect(replaced.headers.get('etag')).toBe('"4"');
    const after = await support.api.get(`/customers/${id}?minPosition=${replaced.body.position}`);
    expect(after.body).toMatchObject({
      name: 'Ada King',
      company: null,
      address: null,
      status: 'inactive',
      ownerId: null,
      tags: ['vip', 'countess'],
      revision: 4,
    });

    // A stale If-Match: 412, and nothing is written.
    const stale = await support.api.put(`/customers/${id}`, { name: 'Lost update' }, { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ code: 3007, status: 412, rule: 'ChangesApplyToTheRevisionRead' });
    expect(await revisionOf(id)).toBe(4);
    expect((await support.api.delete(`/customers/${id}`, undefined, { 'if-match': '"3"' })).status).toBe(412);
    expect(await revisionOf(id)).toBe(4);
    expect((await support.api.get(`/customers/${id}`)).body).toMatchObject({ name: 'Ada King', revision: 4 });

    const malformed = await support.api.put(`/customers/${id}`, { name: 'x' }, { 'if-match': 'W/"4"' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 2001, errors: [{ path: 'headers.if-match' }] });

    const deleted = await support.api.delete(`/customers/${id}`, undefined, { 'if-match': '"4"' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, revision: 5 });
    expect((await support.api.get(`/customers/${id}?minPosition=${deleted.body.position}`)).status).toBe(404);
    expect((await support.api.put(`/customers/${id}`, { name: 'Back?' })).body).toMatchObject({ status: 404, rule: 'CustomersExistUntilDeleted' });
    expect((await support.api.delete(`/customers/${id}`)).status).toBe(404);
    const history = await t.infrastructure.store.readStream(`customer-${id}`);
    expect(history.map((e) => e.type)).toEqual([
      'CustomerCreated',
      'CustomerProfileChanged',
      'CustomerStatusChanged',
      'CustomerOwnerChanged',
      'CustomerTagsChanged',
      'CustomerDeleted',
    ]);
  });

  it('refuses bad input with problem details, and owners who are not staff', async () => {
    const bad = await support.api.post('/customers', { name: '', email: 'not-an-email', status: 'gone', tags: ['no spaces'], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(2001);
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['(root)', 'email', 'name', 'status', 'tags.0']);
    const notStaff = await support.api.post('/customers', { name: 'Owned by a user', ownerId: plain.userId });
    expect(notStaff.status).toBe(422);
    expect(notStaff.body).toMatchObject({ code: 2003, rule: 'CustomerOwnersAreActiveStaff' });
    expect((await support.api.get('/customers/not-a-uuid')).status).toBe(400);
    expect((await support.api.get(`/customers/${randomUUID()}`)).status).toBe(404);
  });

  it('lists newest first with filters, searches by word prefix, and pages by cursor', async () => {
    const run = `run-${randomUUID().slice(0, 8)}`;
    const made = [
      await create({ name: 'Grace Hopper', email: 'grace@navy.example', company: 'US Navy', tags: [run, 'navy'], ownerId: support.userId }),
      await create({ name: 'Alan Turing', email: 'alan.turing@bletchley.example', company: 'Bletchley Park', tags: [run], status: 'blocked' }),
      await create({ name: 'Katherine Johnson', email: 'kj@nasa.example', company: 'NASA', tags: [run], status: 'inactive' }),
      await create({ name: 'Margaret Hamilton', email: 'margaret@nasa.example', company: 'NASA', tags: [run, 'apollo'] }),
    ];
    const last = Math.max(...made.map((m) => m.position));
    const ids = (response: { body: Record<string, unknown> }) => (response.body.items as { id: string }[]).map((c) => c.id);
    const newestFirst = made.map((m) => m.id).reverse();

    expect(ids(await support.api.get(`/customers?tag=${run}&minPosition=${last}`))).toEqual(newestFirst);
    expect(ids(await support.api.get(`/customers?tag=${run}&status=blocked`))).toEqual([made[1]!.id]);
    expect(ids(await support.api.get(`/customers?tag=${run}&ownerId=${support.userId}`))).toEqual([made[0]!.id]);
    expect(ids(await support.api.get(`/customers?tag=apollo&status=active`))).toContain(made[3]!.id);
    expect(ids(await support.api.get(`/customers?tag=${run}&q=nasa`))).toEqual([made[3]!.id, made[2]!.id]);
    expect(ids(await support.api.get(`/customers?tag=${run}&q=${encodeURIComponent('marg NAS')}`))).toEqual([made[3]!.id]);
    expect(ids(await support.api.get(`/customers?tag=${run}&q=bletch`))).toEqual([made[1]!.id]); // the email's domain
    expect(ids(await support.api.get(`/customers?tag=${run}&q=${encodeURIComponent('alan.turing@')}`))).toEqual([made[1]!.id]);
    expect(ids(await support.api.get(`/customers?tag=${run}&q=hopp`))).toEqual([made[0]!.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Record<string, unknown> } = await support.api.get(`/customers?tag=${run}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(newestFirst);

    expect((await support.api.get('/customers?cursor=bogus')).body).toMatchObject({ status: 422, rule: 'CursorsComeFromAnEarlierPage' });
    // Well-formed JSON that PostgreSQL would refuse to cast (not a uuid; a date before 4713 BC): refused before the query.
    const crafted = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
    for (const cursor of [crafted('2024-01-01T00:00:00.000Z', '-'.repeat(36)), crafted('-005000-01-01T00:00:00.000Z', randomUUID())]) {
      const refused = await support.api.get(`/customers?cursor=${cursor}`);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ status: 422, code: 2003, rule: 'CursorsComeFromAnEarlierPage' });
    }
    expect((await support.api.get('/customers?q=%40%40')).status).toBe(400);
    expect((await support.api.get('/customers?limit=101')).status).toBe(400);
  });

  it('answers statistics from counters the projector keeps, equal to a recount', async () => {
    const before = await support.api.get('/customers/statistics?weeks=2');
    expect(before.status).toBe(200);
    const a = await create({ name: 'Stat One' });
    await create({ name: 'Stat Two', status: 'blocked' });
    const c = await create({ name: 'Stat Three' });
    await support.api.put(`/customers/${a.id}`, { name: 'Stat One', status: 'inactive' });
    const gone = await support.api.delete(`/customers/${c.id}`);

    const after = await support.api.get(`/customers/statistics?weeks=2&minPosition=${gone.body.position}`);
    expect(after.body.byStatus).toEqual({
      active: before.body.byStatus.active,
      inactive: before.body.byStatus.inactive + 1,
      blocked: before.body.byStatus.blocked + 1,
    });
    expect(after.body.total).toBe(before.body.total + 2);
    expect(after.body.createdPerWeek).toHaveLength(2);
    expect(after.body.createdPerWeek[1].count).toBe(before.body.createdPerWeek[1].count + 3);

    const recount = await t.database.db
      .selectFrom('customers')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('deleted_at', 'is', null)
      .groupBy('status')
      .execute();
    for (const { status, n } of recount) expect(after.body.byStatus[status]).toBe(Number(n));
  });

  it('applies exactly the good items of a batch, and a repeat under the same key applies nothing twice', async () => {
    const [c1, c2, c3, c4, c5] = [
      await create({ name: 'B1' }),
      await create({ name: 'B2', tags: ['old'] }),
      await create({ name: 'B3' }),
      await create({ name: 'B4' }),
      await create({ name: 'B5' }),
    ];
    await support.api.delete(`/customers/${c5!.id}`);
    const items = [
      { id: c1!.id, status: 'inactive' },
      { id: c2!.id, addTags: ['new'], removeTags: ['old'], expectedRevision: 0 },
      { id: c3!.id, name: 'Too late', expectedRevision: 7 },
      { id: randomUUID(), status: 'blocked' },
      { id: c5!.id, status: 'blocked' },
      { id: 'not-a-uuid', status: 'blocked' },
      { id: c4!.id, status: 'bogus' },
      { id: c1!.id, name: 'Twice' },
      { id: c4!.id, ownerId: plain.userId },
      { id: c3!.id },
    ];
    const key = { 'idempotency-key': `batch-${randomUUID()}` };
    const first = await support.api.patch('/customers/batch', { items }, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const statuses = (first.body.items as { status: number }[]).map((i) => i.status);
    expect(statuses).toEqual([200, 200, 412, 404, 404, 400, 400, 422, 422, 400]);
    expect(first.body).toMatchObject({ succeeded: 2, failed: 8 });
    expect(first.body.items[0]).toEqual({ index: 0, id: c1!.id, status: 200, revision: 1, position: expect.any(Number) });
    expect(first.body.items[2]).toMatchObject({ index: 2, id: c3!.id, code: 3007, rule: 'ChangesApplyToTheRevisionRead' });
    expect(first.body.items[5]).toMatchObject({ index: 5, id: 'not-a-uuid', code: 2001, errors: [{ path: 'id' }] });
    expect(first.body.items[7]).toMatchObject({ rule: 'BatchNamesEachCustomerOnce' });
    expect(first.body.items[8]).toMatchObject({ rule: 'CustomerOwnersAreActiveStaff' });
    const revisions = async () => Promise.all([c1, c2, c3, c4].map((c) => revisionOf(c!.id)));
    expect(await revisions()).toEqual([1, 1, 0, 0]);
    const detail = await support.api.get(`/customers/${c2!.id}?minPosition=${first.body.position}`);
    expect(detail.body.tags).toEqual(['new']);
    const head = await t.infrastructure.store.headPosition();

    const again = await support.api.patch('/customers/batch', { items }, key);
    expect(again.body).toEqual(first.body);
    expect(await revisions()).toEqual([1, 1, 0, 0]);
    expect(await t.infrastructure.store.headPosition()).toBe(head);

    // The same items under another key are new commands: c1's status is set already, so nothing changes either.
    const other = await support.api.patch('/customers/batch', {
      items: [
        { id: c1!.id, status: 'inactive' },
        { id: c3!.id, name: 'Now' },
      ],
    });
    expect(other.body.items.map((i: { status: number; revision: number }) => [i.status, i.revision])).toEqual([
      [200, 1],
      [200, 1],
    ]);
  });

  it('takes at most 500 items', async () => {
    const c = await create({ name: 'Big batch' });
    const ok = await support.api.patch('/customers/batch', { items: Array.from({ length: 500 }, (_, i) => ({ id: c.id, tags: [`t${i % 40}`] })) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ succeeded: 1, failed: 499 });
    const tooMany = await support.api.patch('/customers/batch', { items: Array.from({ length: 501 }, () => ({ id: c.id, status: 'inactive' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 2001, errors: [{ path: 'items' }] });
    expect(await revisionOf(c.id)).toBe(1);
    expect((await support.api.patch('/customers/batch', { items: [] })).status).toBe(400);
  });

  it('links tickets to the customer they concern, listed in the customer detail for ticket staff', async () => {
    const customer = await create({ name: 'Ticket Customer' });
    const opened = await support.api.post('/tickets', { title: 'Invoice wrong', message: 'The customer called about an invoice.', customerId: customer.id });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect((await plain.api.post('/tickets', { title: 'Naming a customer', message: 'x', customerId: customer.id })).status).toBe(403);
    expect((await support.api.post('/tickets', { title: 'Unknown', message: 'x', customerId: randomUUID() })).body).toMatchObject({
      status: 422,
      rule: 'TicketsNameExistingCustomers',
    });

    const own = await plain.api.post('/tickets', { title: 'My printer', message: 'It jams' });
    expect((await plain.api.post(`/tickets/${own.body.id}/customer`, { customerId: customer.id })).status).toBe(403);
    const linked = await support.api.post(`/tickets/${own.body.id}/customer`, { customerId: customer.id });
    expect(linked.status).toBe(200);
    expect((await support.api.get(`/tickets/${own.body.id}?minPosition=${linked.body.position}`)).body.customerId).toBe(customer.id);

    const detail = await support.api.get(`/customers/${customer.id}`);
    expect(detail.body.tickets.map((x: { id: string }) => x.id).sort()).toEqual([opened.body.id, own.body.id].sort());
    const listed = await support.api.get(`/tickets?customerId=${customer.id}`);
    expect(listed.body.items.map((x: { id: string; customerId: string }) => [x.id, x.customerId]).sort()).toEqual(
      [
        [opened.body.id, customer.id],
        [own.body.id, customer.id],
      ].sort(),
    );

    // Support is ticket staff: internal notes, staff-only statuses, assignable.
    expect((await support.api.post(`/tickets/${own.body.id}/notes`, { content: 'VIP customer' })).status).toBe(201);
    expect((await support.api.post(`/tickets/${own.body.id}/status`, { status: 'in_progress' })).status).toBe(200);
    expect((await support.api.post(`/tickets/${own.body.id}/assignee`, { assigneeId: support.userId })).status).toBe(200);
    expect((await support.api.post(`/tickets/${own.body.id}/assignee`, { assigneeId: plain.userId })).body).toMatchObject({
      rule: 'TicketsAreAssignedToStaff',
    });

    const unlinked = await support.api.post(`/tickets/${own.body.id}/customer`, { customerId: null });
    await support.api.get(`/tickets/${own.body.id}?minPosition=${unlinked.body.position}`);
    expect((await support.api.get(`/customers/${customer.id}`)).body.tickets.map((x: { id: string }) => x.id)).toEqual([opened.body.id]);

    // Without tickets:read-all, the customer's tickets are not listed.
    const reader = await userWithRole(t, admin, 'guest');
    await admin.patch('/admin/roles/guest', { grant: ['customers:read'] });
    const seenByReader = await reader.api.get(`/customers/${customer.id}`);
    expect(seenByReader.status).toBe(200);
    expect(seenByReader.body).not.toHaveProperty('tickets');
    await admin.put('/admin/roles/guest', { permissions: [...ROLE_PERMISSIONS.guest] });
  });

  it('requires each permission for its route, and refuses roles without them', async () => {
    const target = await create({ name: 'Guarded' });
    const routes = [
      { permission: 'customers:create', route: 'POST /customers', allowed: 201, call: (api: Api) => api.post('/customers', { name: 'Allowed' }) },
      { permission: 'customers:read', route: 'GET /customers', allowed: 200, call: (api: Api) => api.get('/customers') },
      { permission: 'customers:read', route: 'GET /customers/:id', allowed: 200, call: (api: Api) => api.get(`/customers/${target.id}`) },
      {
        permission: 'customers:update',
        route: 'PUT /customers/:id',
        allowed: 200,
        call: (api: Api) => api.put(`/customers/${target.id}`, { name: 'Guarded' }),
      },
      { permission: 'customers:statistics', route: 'GET /customers/statistics', allowed: 200, call: (api: Api) => api.get('/customers/statistics') },
      {
        permission: 'customers:batch-update',
        route: 'PATCH /customers/batch',
        allowed: 200,
        call: (api: Api) => api.patch('/customers/batch', { items: [{ id: target.id, status: 'active' }] }),
      },
      { permission: 'customers:delete', route: 'DELETE /customers/:id', allowed: 200, call: (api: Api) => api.delete(`/customers/${target.id}`) },
    ];
    for (const { call, route } of routes) expect((await call(plain.api)).status, `${route} as a user`).toBe(403);
    await checkEachPermission(admin, 'support', support.api, CUSTOMER_PERMISSIONS, routes);
    await admin.put('/admin/roles/support', { permissions: [...ROLE_PERMISSIONS.support] });
  });
});

describe('customers on a draining node', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('answers shuttingDown (4003) alike for a single command and for each item of a batch', async () => {
    t = await startTestApp({ nats: false, env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    const { api } = await loginAdmin(t, ADMIN);
    const created = await api.post('/customers', { name: 'Before the drain' });
    expect(created.status).toBe(201);
    await t.app.get(CommandRunner).drain();

    const refused = await api.post('/customers', { name: 'During the drain' });
    expect(refused.body).toMatchObject({ status: 503, code: 4003 });
    const batch = await api.patch('/customers/batch', { items: [{ id: created.body.id, status: 'inactive' }] }, { 'idempotency-key': `drain-${randomUUID()}` });
    expect(batch.body.items).toEqual([expect.objectContaining({ status: 503, code: 4003 })]);
  });
});
