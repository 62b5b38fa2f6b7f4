/** Helpers of the customer and role end-to-end tests: a client per token, staff accounts, role changes. */
import { expect } from 'vitest';
import { bearer, http, registerUser, TestApp } from './app';

export type Api = ReturnType<typeof apiOf>;

export function apiOf(t: Pick<TestApp, 'url'>, token: string) {
  const call =
    (method: string) =>
    (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      http(t.url, method, `/api/v1${path}`, body, { ...bearer(token), ...headers });
  return {
    get: (path: string, headers: Record<string, string> = {}) => call('GET')(path, undefined, headers),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
  };
}

export async function loginAdmin(t: Pick<TestApp, 'url'>, admin: { email: string; password: string }) {
  const login = await http(t.url, 'POST', '/api/v1/auth/login', { login: admin.email, password: admin.password });
  expect(login.status).toBe(200);
  return { ...(login.body as { accessToken: string; userId: string }), api: apiOf(t, login.body.accessToken as string) };
}

/** A freshly registered user, given `role` by the admin; the token it registered with keeps working. */
export async function userWithRole(t: Pick<TestApp, 'url'>, adminApi: Api, role: string) {
  const user = await registerUser(t.url);
  if (role !== 'user') expect((await adminApi.put(`/admin/users/${user.userId}/role`, { role })).status).toBe(200);
  return { ...user, api: apiOf(t, user.accessToken) };
}

/** Sets what a role may do (the whole set), through the admin API. */
export async function setRolePermissions(adminApi: Api, role: string, permissions: readonly string[]) {
  const response = await adminApi.put(`/admin/roles/${role}`, { permissions });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response;
}

export interface Guarded {
  permission: string;
  route: string;
  /** Makes the request; `fresh` sets up whatever it acts on (say, a customer to delete). */
  call: (api: Api) => Promise<{ status: number; body: Record<string, unknown> }>;
  /** The status when allowed. */
  allowed: number;
}

/**
 * For each route: with every permission of `all` but the one the route needs, the same token is
 * refused (403, naming the permission); with all of them it is let through. Role changes count
 * at the next request, so no new login happens in between.
 */
export async function checkEachPermission(adminApi: Api, role: string, subject: Api, all: readonly string[], routes: readonly Guarded[]) {
  for (const route of routes) {
    await setRolePermissions(
      adminApi,
      role,
      all.filter((p) => p !== route.permission),
    );
    const refused = await route.call(subject);
    expect(refused.status, `${route.route} without ${route.permission}`).toBe(403);
    expect(refused.body).toMatchObject({ code: 1003, detail: expect.stringContaining(route.permission) });
    await setRolePermissions(adminApi, role, all);
    const allowed = await route.call(subject);
    expect(allowed.status, `${route.route} with ${route.permission}: ${JSON.stringify(allowed.body)}`).toBe(route.allowed);
  }
}
