/** Customer groups over HTTP on PostgreSQL + NATS: groups, members, sizes in the statistics, ETag/If-Match, permissions. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TestApp } from '../support/app';
import { Api, checkEachPermission, loginAdmin, userWithRole } from '../support/customer-api';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../src/domain/identity/permissions';

const ADMIN = { email: 'groups-admin@example.com', password: 'groups-admin-password' };
const GROUP_PERMISSIONS = PERMISSIONS.filter((p) => p.startsWith('customer-groups:'));

describe('customer groups (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: Api;
  let support: Awaited<ReturnType<typeof userWithRole>>;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    admin = (await loginAdmin(t, ADMIN)).api;
    support = await userWithRole(t, admin, 'support');
  });
  afterAll(async () => t?.close());

  const customer = async (name: string) => (await support.api.post('/customers', { name })).body as { id: string; position: number };
  const group = async (name: string) => {
    const created = await support.api.post('/customers/groups', { name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; revision: number; position: number };
  };

  it('creates a group, adds and removes members, and lists them as customers of the group', async () => {
    const [a, b, c] = [await customer('Member A'), await customer('Member B'), await customer('Member C')];
    const created = await support.api.post('/customers/groups', { name: 'Premium', description: 'Paying more' });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"0"');
    const id = created.body.id as string;

    const added = await support.api.post(`/customers/groups/${id}/customers`, { customerIds: [a.id, b.id, c.id, a.id] });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id, revision: 1 });
    const removed = await support.api.delete(`/customers/groups/${id}/customers`, { customerIds: [b.id] });
    expect(removed.body.revision).toBe(2);

    const detail = await support.api.get(`/customers/groups/${id}?minPosition=${removed.body.position}`);
    expect(detail.status).toBe(200);
    expect(detail.headers.get('etag')).toBe('"2"');
    expect(detail.body).toMatchObject({ id, name: 'Premium', description: 'Paying more', size: 2, revision: 2 });
    const members = await support.api.get(`/customers?groupId=${id}`);
    expect(members.body.items.map((m: { id: string }) => m.id)).toEqual([c.id, a.id]);
    expect((await support.api.get(`/customers/${a.id}`)).body.groups).toEqual([{ id, name: 'Premium' }]);

    const unknown = randomUUID();
    const refused = await support.api.post(`/customers/groups/${id}/customers`, { customerIds: [b.id, unknown] });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ rule: 'GroupMembersAreExistingCustomers', detail: expect.stringContaining(unknown) });
    expect((await t.infrastructure.store.readStream(`customergroup-${id}`)).length).toBe(3);

    // A deleted customer leaves its groups.
    const gone = await support.api.delete(`/customers/${a.id}`);
    await support.api.get(`/customers?minPosition=${gone.body.position}`);
    expect((await support.api.get(`/customers/groups/${id}`)).body.size).toBe(1);
    expect((await support.api.get(`/customers?groupId=${id}`)).body.items.map((m: { id: string }) => m.id)).toEqual([c.id]);
  });

  it('replaces and deletes under If-Match, 412 with nothing written when stale', async () => {
    const g = await group('Renamed later');
    const stale = await support.api.put(`/customers/groups/${g.id}`, { name: 'Other' }, { 'if-match': '"5"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 3007, rule: 'ChangesApplyToTheRevisionRead' });
    expect((await t.infrastructure.store.readStream(`customergroup-${g.id}`)).length).toBe(1);

    const renamed = await support.api.put(`/customers/groups/${g.id}`, { name: 'Renamed', description: 'now' }, { 'if-match': '"0"' });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('etag')).toBe('"1"');
    expect((await support.api.get(`/customers/groups/${g.id}?minPosition=${renamed.body.position}`)).body).toMatchObject({
      name: 'Renamed',
      description: 'now',
      revision: 1,
    });

    expect((await support.api.delete(`/customers/groups/${g.id}`, undefined, { 'if-match': '"0"' })).status).toBe(412);
    const deleted = await support.api.delete(`/customers/groups/${g.id}`, undefined, { 'if-match': '"1"' });
    expect(deleted.status).toBe(200);
    expect((await support.api.get(`/customers/groups/${g.id}?minPosition=${deleted.body.position}`)).status).toBe(404);
    expect((await support.api.post(`/customers/groups/${g.id}/customers`, { customerIds: [randomUUID()] })).status).toBe(404);
  });

  it('lists groups by cursor and reports the largest in the statistics', async () => {
    const members = await Promise.all(Array.from({ length: 4 }, (_, i) => customer(`Sized ${i}`)));
    const big = await group('Big');
    const small = await group('Small');
    await support.api.post(`/customers/groups/${big.id}/customers`, { customerIds: members.map((m) => m.id) });
    const last = await support.api.post(`/customers/groups/${small.id}/customers`, { customerIds: [members[0]!.id] });

    const statistics = await support.api.get(`/customers/statistics?groups=2&minPosition=${last.body.position}`);
    expect(statistics.body.groups.largest).toEqual([
      { id: big.id, name: 'Big', size: 4 },
      { id: expect.any(String), name: expect.any(String), size: expect.any(Number) },
    ]);
    expect(statistics.body.groups.total).toBeGreaterThanOrEqual(2);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Record<string, unknown> } = await support.api.get(`/customers/groups?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(page.body.items as { id: string }[]).map((g) => g.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.slice(0, 2)).toEqual([small.id, big.id]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('requires each permission for its route, and refuses roles without them', async () => {
    const target = await group('Guarded');
    const member = await customer('Guarded member');
    const routes = [
      {
        permission: 'customer-groups:create',
        route: 'POST /customers/groups',
        allowed: 201,
        call: (api: Api) => api.post('/customers/groups', { name: 'Allowed' }),
      },
      { permission: 'customer-groups:read', route: 'GET /customers/groups', allowed: 200, call: (api: Api) => api.get('/customers/groups') },
      { permission: 'customer-groups:read', route: 'GET /customers/groups/:id', allowed: 200, call: (api: Api) => api.get(`/customers/groups/${target.id}`) },
      {
        permission: 'customer-groups:update',
        route: 'PUT /customers/groups/:id',
        allowed: 200,
        call: (api: Api) => api.put(`/customers/groups/${target.id}`, { name: 'Guarded' }),
      },
      {
        permission: 'customer-groups:manage-members',
        route: 'POST /customers/groups/:id/customers',
        allowed: 200,
        call: (api: Api) => api.post(`/customers/groups/${target.id}/customers`, { customerIds: [member.id] }),
      },
      {
        permission: 'customer-groups:manage-members',
        route: 'DELETE /customers/groups/:id/customers',
        allowed: 200,
        call: (api: Api) => api.delete(`/customers/groups/${target.id}/customers`, { customerIds: [member.id] }),
      },
      {
        permission: 'customer-groups:delete',
        route: 'DELETE /customers/groups/:id',
        allowed: 200,
        call: (api: Api) => api.delete(`/customers/groups/${target.id}`),
      },
    ];
    const plain = await userWithRole(t, admin, 'user');
    for (const { call, route } of routes) expect((await call(plain.api)).status, `${route} as a user`).toBe(403);
    await checkEachPermission(admin, 'support', support.api, GROUP_PERMISSIONS, routes);
    await admin.put('/admin/roles/support', { permissions: [...ROLE_PERMISSIONS.support] });
  });
});
