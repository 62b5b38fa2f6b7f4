/** The audit trail over HTTP on PostgreSQL + NATS: who may read it, what it shows, filters, paging, bad input. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';
import { waitUntil } from '../support/poll';

const ADMIN = { email: 'audit-admin@example.com', password: 'the-audit-admin-password' };

interface AuditEvent {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { actorId: string | null; commandId: string; correlationId: string; causationId: string; traceparent: string | null; schemaVersion: number };
  recordedAt: string;
}

interface Page {
  items: AuditEvent[];
  next: number | null;
}

describe('audit trail (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  let admin: { accessToken: string; userId: string };
  let auditor: Awaited<ReturnType<typeof registerUser>>;
  let subject: Awaited<ReturnType<typeof registerUser>>;

  const get = (path: string, token?: string) => http(t.url, 'GET', `/api/v1/audit${path}`, undefined, token ? bearer(token) : {});
  /** Reads `$all` only below the oldest open transaction: a write just answered may take a moment to show. */
  const eventsOnceAtLeast = async (query: string, count: number, token = auditor.accessToken): Promise<Page> => {
    let page: Page = { items: [], next: null };
    await waitUntil(
      async () => {
        const response = await get(`/events?${query}`, token);
        expect(response.status).toBe(200);
        page = response.body as Page;
        return page.items.length >= count;
      },
      10_000,
      `${count} events for ${query}`,
    );
    return page;
  };
  const logIn = async (login: string, password: string) => {
    const response = await http(t.url, 'POST', '/api/v1/auth/login', { login, password });
    expect(response.status).toBe(200);
    return response.body as { accessToken: string; userId: string };
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    admin = await logIn(ADMIN.email, ADMIN.password);
    subject = await registerUser(t.url);
    auditor = await registerUser(t.url);
    const promoted = await http(t.url, 'PUT', `/api/v1/admin/users/${auditor.userId}/role`, { role: 'auditor' }, bearer(admin.accessToken));
    expect(promoted.status).toBe(200);
  });
  afterAll(async () => t?.close());

  it("lets an admin and an auditor read a user's stream, with every event's metadata", async () => {
    for (const token of [admin.accessToken, auditor.accessToken]) {
      const response = await get(`/streams/user-${subject.userId}`, token);
      expect(response.status).toBe(200);
      const { stream, items, next } = response.body as Page & { stream: string };
      expect(stream).toBe(`user-${subject.userId}`);
      expect(next).toBeNull();
      expect(items.map((e) => [e.type, e.revision, e.stream])).toEqual([
        ['UserRegistered', 0, stream],
        ['UserLoggedIn', 1, stream],
      ]);
      for (const event of items) {
        expect(event.metadata).toEqual({
          actorId: subject.userId,
          commandId: expect.any(String),
          correlationId: expect.any(String),
          causationId: expect.any(String),
          traceparent: null,
          schemaVersion: expect.any(Number),
        });
        expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
      }
      expect(items[0]!.data).toMatchObject({ userId: subject.userId, username: subject.username });
      expect(items[1]!.position).toBeGreaterThan(items[0]!.position);
    }
    // The role change sits in the auditor's stream, done by the admin.
    const promoted = await get(`/streams/user-${auditor.userId}`, auditor.accessToken);
    const change = (promoted.body as Page).items.find((e) => e.type === 'UserRoleChanged');
    expect(change).toMatchObject({ data: { from: 'user', to: 'auditor', by: admin.userId }, metadata: { actorId: admin.userId } });
  });

  it('lets an admin and an auditor read what an actor did, across streams', async () => {
    const fromStream = (await get(`/streams/user-${subject.userId}`, auditor.accessToken)).body as Page;
    for (const token of [admin.accessToken, auditor.accessToken]) {
      const page = await eventsOnceAtLeast(`actorId=${subject.userId}`, 2, token);
      expect(page.items).toEqual(fromStream.items);
      expect(page.next).toBeNull();
    }
    const byAdmin = await eventsOnceAtLeast(`actorId=${admin.userId}&type=UserRoleChanged`, 1);
    expect(byAdmin.items.map((e) => [e.stream, e.metadata.actorId])).toEqual([[`user-${auditor.userId}`, admin.userId]]);
  });

  it('refuses a plain user with 403 and a caller without a token with 401', async () => {
    const user = await registerUser(t.url);
    for (const path of [`/streams/user-${user.userId}`, `/events?actorId=${user.userId}`, '/events']) {
      const refused = await get(path, user.accessToken);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 1003 });
      const anonymous = await get(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ code: 1001 });
    }
  });

  it('filters by type (repeated or comma-separated) and by time window', async () => {
    const user = await registerUser(t.url);
    const before = new Date();
    await logIn(user.username, user.password);
    const after = new Date();
    await logIn(user.email, user.password);
    const all = await eventsOnceAtLeast(`actorId=${user.userId}`, 4);
    expect(all.items.map((e) => e.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoggedIn', 'UserLoggedIn']);

    const logins = await get(`/events?actorId=${user.userId}&type=UserLoggedIn`, auditor.accessToken);
    expect((logins.body as Page).items.map((e) => e.id)).toEqual(all.items.slice(1).map((e) => e.id));
    const both = all.items.map((e) => e.id);
    for (const types of [
      'type=UserRegistered,UserLoggedIn',
      'type=UserRegistered&type=UserLoggedIn',
      'type=UserLoggedIn&type=UserRegistered,UserRoleChanged',
    ]) {
      expect(((await get(`/events?actorId=${user.userId}&${types}`, auditor.accessToken)).body as Page).items.map((e) => e.id)).toEqual(both);
    }
    expect(((await get(`/events?actorId=${user.userId}&type=UserDeactivated`, auditor.accessToken)).body as Page).items).toEqual([]);

    const window = `from=${before.toISOString()}&to=${after.toISOString()}`;
    const inWindow = await get(`/events?actorId=${user.userId}&${window}`, auditor.accessToken);
    expect(inWindow.status).toBe(200);
    expect((inWindow.body as Page).items.map((e) => e.id)).toEqual([all.items[2]!.id]);
    // Inclusive at both ends, at the precision recordedAt is shown with; offsets other than Z work.
    const exact = all.items[3]!.recordedAt;
    const atInstant = await get(`/events?actorId=${user.userId}&from=${exact}&to=${exact}`, auditor.accessToken);
    expect((atInstant.body as Page).items.map((e) => e.id)).toEqual([all.items[3]!.id]);
    const inParis = new Date(before.getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(
      ((await get(`/events?actorId=${user.userId}&from=${encodeURIComponent(inParis)}`, auditor.accessToken)).body as Page).items.map((e) => e.id),
    ).toEqual(both.slice(2));
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(((await get(`/events?actorId=${user.userId}&from=${future}`, auditor.accessToken)).body as Page).items).toEqual([]);
  });

  it('pages with after/next, returning each event exactly once', async () => {
    const user = await registerUser(t.url);
    for (let i = 0; i < 4; i++) await logIn(user.username, user.password);
    const all = await eventsOnceAtLeast(`actorId=${user.userId}`, 6);
    expect(all.items).toHaveLength(6);
    for (const size of [1, 2, 4, 6]) {
      const seen: string[] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const response = await get(`/events?actorId=${user.userId}&limit=${size}&after=${after}`, auditor.accessToken);
        expect(response.status).toBe(200);
        const page = response.body as Page;
        expect(page.items.length).toBeLessThanOrEqual(size);
        seen.push(...page.items.map((e) => e.id));
        pages += 1;
        if (page.next === null) break;
        expect(page.next).toBe(page.items[page.items.length - 1]!.position);
        after = page.next;
      }
      expect(seen).toEqual(all.items.map((e) => e.id));
      expect(pages).toBe(Math.floor(6 / size) + 1); // a full last page is followed by an empty one
    }

    // A stream pages by revision.
    const first = (await get(`/streams/user-${user.userId}?limit=4`, auditor.accessToken)).body as Page;
    expect(first.items.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect(first.next).toBe(4);
    const rest = (await get(`/streams/user-${user.userId}?fromRevision=${first.next}&limit=4`, auditor.accessToken)).body as Page;
    expect(rest.items.map((e) => e.revision)).toEqual([4, 5]);
    expect(rest.next).toBeNull();
  });

  it('answers 404 for a stream without events, and an empty page past the end of one that has them', async () => {
    const missing = await get(`/streams/user-${randomUUID()}`, auditor.accessToken);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ code: 3001 });
    const past = await get(`/streams/user-${subject.userId}?fromRevision=99`, auditor.accessToken);
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ stream: `user-${subject.userId}`, items: [], next: null });
  });

  it('refuses bad parameters with 400 problem+json naming each one', async () => {
    const cases: [string, string[]][] = [
      ['/events?limit=0', ['limit']],
      ['/events?limit=1001', ['limit']],
      ['/events?limit=ten', ['limit']],
      ['/events?limit=1e2', ['limit']],
      ['/events?after=-1', ['after']],
      ['/events?after=1.5', ['after']],
      ['/events?from=yesterday', ['from']],
      ['/events?to=2025-01-31T12:00:00', ['to']], // no time zone: ambiguous
      ['/events?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', ['to']],
      ['/events?actorId=not-a-uuid', ['actorId']],
      ['/events?type=Not%20A%20Type', ['type.0']],
      ['/events?type=', ['type.0']],
      ['/events?limit=1&limit=2', ['limit']],
      ['/events?actor=someone', ['(root)']], // a misspelt filter must not silently widen the answer
      ['/events?limit=0&after=x&actorId=y', ['actorId', 'after', 'limit']],
      ['/streams/nodash', ['stream']],
      ['/streams/user-a%20b', ['stream']],
      [`/streams/${'c'.repeat(51)}-${randomUUID()}`, ['stream']], // (a name over 100 characters gets Fastify's 414 first)
      [`/streams/user-${randomUUID()}?fromRevision=-1`, ['fromRevision']],
      [`/streams/user-${randomUUID()}?limit=5000`, ['limit']],
    ];
    for (const [path, paths] of cases) {
      const response = await get(path, auditor.accessToken);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type'), path).toContain('application/problem+json');
      expect(response.body.code, path).toBe(2001);
      expect([...new Set((response.body.errors as { path: string }[]).map((e) => e.path))].sort(), path).toEqual(paths);
    }
  });
});
