/** Roles changed at run time over HTTP on PostgreSQL + NATS: recorded as events, counted from the next request, admin untouchable. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TestApp } from '../support/app';
import { Api, loginAdmin, userWithRole } from '../support/customer-api';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../../src/domain/identity/permissions';
import { rebuildProjection } from '../../src/projections/runtime/rebuild';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { connectRealtime, type RealtimeClient } from '../support/ws-client';

const ADMIN = { email: 'roles-admin@example.com', password: 'roles-admin-password' };

describe('roles at run time (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: Api;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    const login = await loginAdmin(t, ADMIN);
    admin = login.api;
    adminId = login.userId;
  });
  const sockets: RealtimeClient[] = [];
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await t?.close();
  });

  it('lists every role with its built-in permissions on a fresh install', async () => {
    const roles = await admin.get('/admin/roles');
    expect(roles.status).toBe(200);
    expect(roles.body.permissions).toEqual([...PERMISSIONS]);
    expect(roles.body.items.map((r: { name: string }) => r.name)).toEqual([...ROLES]);
    for (const role of roles.body.items as { name: (typeof ROLES)[number]; permissions: string[]; customized: boolean }[]) {
      expect(role.permissions).toEqual(PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role.name].has(p)));
      expect(role.customized).toBe(false);
    }
    expect((await admin.get('/admin/roles/support')).body).toMatchObject({ name: 'support', customized: false });
  });

  it('lets only holders of roles:manage see or change roles', async () => {
    for (const role of ['user', 'support', 'auditor', 'guest'] as const) {
      const someone = await userWithRole(t, admin, role);
      expect((await someone.api.get('/admin/roles')).status, role).toBe(403);
      expect((await someone.api.patch('/admin/roles/user', { grant: ['customers:read'] })).body).toMatchObject({
        status: 403,
        code: 1003,
        detail: expect.stringContaining('roles:manage'),
      });
    }
    expect(await t.infrastructure.store.readStream('role-user')).toEqual([]);
  });

  it('applies a change of permissions at the next request, without a new login', async () => {
    const user = await userWithRole(t, admin, 'user');
    expect((await user.api.get('/customers')).status).toBe(403);

    const granted = await admin.patch('/admin/roles/user', { grant: ['customers:read', 'customers:statistics'] });
    expect(granted.status).toBe(200);
    expect(granted.body.role).toMatchObject({
      name: 'user',
      customized: true,
      permissions: expect.arrayContaining(['customers:read', 'customers:statistics', 'tickets:create']),
    });
    expect((await user.api.get('/customers')).status).toBe(200);
    expect((await user.api.get('/customers/statistics')).status).toBe(200);
    expect((await user.api.get('/auth/me')).body.permissions).toEqual(expect.arrayContaining(['customers:read']));

    const revoked = await admin.patch('/admin/roles/user', { revoke: ['customers:read'] });
    expect(revoked.body.role.permissions).not.toContain('customers:read');
    expect((await user.api.get('/customers')).status).toBe(403);
    expect((await user.api.get('/customers/statistics')).status).toBe(200);

    const events = await t.infrastructure.store.readStream('role-user');
    expect(events.map((e) => [e.type, e.data.granted, e.data.revoked])).toEqual([
      ['RolePermissionsChanged', ['customers:read', 'customers:statistics'], []],
      ['RolePermissionsChanged', [], ['customers:read']],
    ]);
    expect(events[0]!.metadata.actorId).toBe(adminId);

    // Setting the built-in set back is a change like any other; the same set again records nothing.
    await admin.put('/admin/roles/user', { permissions: [...ROLE_PERMISSIONS.user] });
    const same = await admin.put('/admin/roles/user', { permissions: [...ROLE_PERMISSIONS.user] });
    expect(same.status).toBe(200);
    expect(await t.infrastructure.store.readStream('role-user')).toHaveLength(3);
    expect((await user.api.get('/customers/statistics')).status).toBe(403);
  });

  it('makes a user support staff by role, at the next request', async () => {
    const user = await userWithRole(t, admin, 'user');
    const customer = await user.api.post('/customers', { name: 'Not yet' });
    expect(customer.status).toBe(403);
    expect((await admin.put(`/admin/users/${user.userId}/role`, { role: 'support' })).status).toBe(200);
    expect((await user.api.post('/customers', { name: 'Now' })).status).toBe(201);
    expect((await user.api.get('/auth/me')).body).toMatchObject({
      role: 'support',
      permissions: expect.arrayContaining(['tickets:update-all', 'customers:batch-update']),
    });
    expect((await admin.put(`/admin/users/${user.userId}/role`, { role: 'superuser' })).status).toBe(400);
  });

  it('counts a changed role on the realtime gateway too: the next socket subscribes with the new permissions', async () => {
    const owner = await userWithRole(t, admin, 'user');
    const guest = await userWithRole(t, admin, 'guest');
    const ticket = await owner.api.post('/tickets', { title: 'Watched', message: 'by a guest, once allowed' });
    expect(ticket.status).toBe(201);
    const topic = `ticket:${ticket.body.id as string}`;
    const before = await connectRealtime(t.app.get(RealtimeGateway).port, guest.accessToken);
    sockets.push(before);
    expect(await before.request({ op: 'subscribe', topic, minPosition: ticket.body.position }, (f) => f.topic === topic)).toMatchObject({
      op: 'error',
      code: 1003,
    });

    expect((await admin.patch('/admin/roles/guest', { grant: ['tickets:read-all'] })).status).toBe(200);
    const after = await connectRealtime(t.app.get(RealtimeGateway).port, guest.accessToken);
    sockets.push(after);
    expect(await after.request({ op: 'subscribe', topic, minPosition: ticket.body.position }, (f) => f.topic === topic)).toEqual({ op: 'subscribed', topic });
  });

  it('keeps every permission with admin, and writes nothing when refusing', async () => {
    const refused = await admin.patch('/admin/roles/admin', { revoke: ['roles:manage'] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 1003, rule: 'AdminKeepsEveryPermission' });
    expect((await admin.put('/admin/roles/admin', { permissions: ['profile:read'] })).body.rule).toBe('AdminKeepsEveryPermission');
    expect(await t.infrastructure.store.readStream('role-admin')).toEqual([]);
    expect((await admin.get('/admin/roles')).status).toBe(200);
  });

  it('refuses unknown roles and permissions, and empty changes', async () => {
    expect((await admin.put('/admin/roles/superuser', { permissions: [] })).status).toBe(400);
    const unknown = await admin.put('/admin/roles/guest', { permissions: ['customers:fly'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 2001, errors: [{ path: 'permissions.0' }] });
    expect((await admin.patch('/admin/roles/guest', {})).status).toBe(400);
    expect((await admin.patch('/admin/roles/guest', { grant: ['sync:use'], revoke: ['sync:use'] })).status).toBe(400);
  });

  it('lets a role that was granted roles:manage manage roles, and rebuilds the same roles from the log', async () => {
    const support = await userWithRole(t, admin, 'support');
    await admin.patch('/admin/roles/support', { grant: ['roles:manage'] });
    const changed = await support.api.patch('/admin/roles/guest', { grant: ['customers:read'] });
    expect(changed.status).toBe(200);
    const before = (await admin.get('/admin/roles')).body.items;

    const projector = t.infrastructure.projectors.find((p) => p.name === 'roles')!;
    await rebuildProjection(t.infrastructure.database.db, t.infrastructure.store, projector);
    expect((await admin.get('/admin/roles')).body.items).toEqual(before);

    await admin.patch('/admin/roles/support', { revoke: ['roles:manage'] });
    expect((await support.api.get('/admin/roles')).status).toBe(403);
  });
});
