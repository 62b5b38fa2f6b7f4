/**
 * Text PostgreSQL cannot store (U+0000, a lone UTF-16 surrogate) is refused at the edge: every
 * operation of `/openapi.json` gets such a string in each string field of its body, in each query
 * parameter and in each path parameter, with an admin's token and real ids elsewhere, and answers
 * 400 problem+json (code 2004) naming the field; never a 500, never a 500 item inside a 200 batch.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, startTestApp, type TestApp } from '../support/app';
import { apiOf, loginAdmin } from '../support/customer-api';

const ADMIN = { email: 'text-admin@example.com', password: 'text-admin-password' };
const BAD_STRINGS = { nul: 'a\u0000b', surrogate: 'a\ud800b' } as const;

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plausible value for a schema, every optional property included so that each string field is reached. */
function example(doc: Document, schema: Schema, ids: Ids): Json {
  if (schema.$ref) return example(doc, doc.components.schemas[schema.$ref.split('/').pop()!]!, ids);
  const choice = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (choice) return example(doc, choice[0]!, ids);
  if (schema.enum) return schema.enum[0] as Json;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return ids.user;
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.pattern === '^[a-zA-Z0-9]{16}$') return 'abcdefgh12345678';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [schema.items && Object.keys(schema.items).length > 0 ? example(doc, schema.items, ids) : { id: ids.customer, name: 'x' }];
    default: {
      const entries = Object.entries(schema.properties ?? {}).map(([key, property]) => [key, example(doc, property, ids)] as const);
      if (entries.length === 0 && typeof schema.additionalProperties === 'object') entries.push(['key', example(doc, schema.additionalProperties, ids)]);
      return Object.fromEntries(entries);
    }
  }
}

/** The paths (dot-joined, as problem `errors` name them) of every string in a value. */
function stringPaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function replaced(value: Json, path: (string | number)[], by: string): Json {
  if (path.length === 0) return by;
  const copy = structuredClone(value) as Record<string | number, Json>;
  const [head, ...rest] = path;
  copy[head!] = replaced(copy[head!]!, rest, by);
  return copy;
}

interface Ids {
  user: string;
  ticket: string;
  channel: string;
  message: string;
  customer: string;
  group: string;
  session: string;
}

/** A real id for each path parameter, so that a request with a bad body reaches as deep as it can. */
function pathWith(route: string, ids: Ids, bad?: { name: string; value: string }): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string, offset: number) => {
    if (bad?.name === name) return bad.value;
    const before = route.slice(0, offset);
    if (name === 'userId' || before.endsWith('/users/')) return ids.user;
    if (name === 'role') return 'agent';
    if (name === 'name') return 'tickets';
    if (name === 'stream') return `ticket-${ids.ticket}`;
    if (before.endsWith('/tickets/')) return ids.ticket;
    if (before.endsWith('/channels/')) return ids.channel;
    if (before.endsWith('/messages/')) return ids.message;
    if (before.endsWith('/groups/')) return ids.group;
    if (before.endsWith('/customers/')) return ids.customer;
    if (before.endsWith('/sessions/')) return ids.session;
    return randomUUID();
  });
}

describe('text that cannot be stored, in every operation of /openapi.json', () => {
  let t: TestApp;
  let token: string;
  let doc: Document;
  let ids: Ids;
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    const admin = await loginAdmin(t, ADMIN);
    token = admin.accessToken;
    const api = apiOf(t, token);
    const ticket = await api.post('/tickets', { title: 'A ticket', message: 'its first message' });
    const channel = await api.post('/channels', { name: 'text-checks' });
    const message = await api.post(`/channels/${channel.body.id}/messages`, { content: 'hello' });
    const customer = await api.post('/customers', { name: 'A customer' });
    const group = await api.post('/customers/groups', { name: 'A group' });
    for (const created of [ticket, channel, message, customer, group]) expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sessions = await api.get('/auth/sessions');
    ids = {
      user: admin.userId,
      ticket: ticket.body.id,
      channel: channel.body.id,
      message: message.body.id,
      customer: customer.body.id,
      group: group.body.id,
      session: sessions.body.items[0].id,
    };
    doc = (await http(t.url, 'GET', '/openapi.json')).body as Document;
  });
  afterAll(async () => t?.close());

  const send = (method: string, path: string, body?: Json) => http(t.url, method.toUpperCase(), path, body, bearer(token));

  /** Whether it was refused as it should be; what came instead, to list every operation that did not. */
  const refusal = (response: Awaited<ReturnType<typeof send>>, field: string): string | undefined => {
    const body = response.body as { code?: number; errors?: { path: string; message: string }[] } | undefined;
    const problemJson = /^application\/problem\+json/.test(response.headers.get('content-type') ?? '');
    if (response.status === 400 && problemJson && body?.code === 2004 && body.errors?.[0]?.path === field && typeof body.errors[0].message === 'string')
      return undefined;
    return `${response.status} ${JSON.stringify(body ?? null).slice(0, 160)}`;
  };
  const expectRefused = (response: Awaited<ReturnType<typeof send>>, where: string, field: string) => expect(refusal(response, field), where).toBeUndefined();

  const operations = () =>
    Object.entries(doc.paths).flatMap(([route, methods]) => Object.entries(methods).map(([method, operation]) => ({ route, method, operation })));

  it('covers the operations that take text', () => {
    const withText = operations().filter(({ operation }) => operation.requestBody || (operation.parameters ?? []).length > 0);
    expect(withText.length).toBeGreaterThan(40);
  });

  for (const [kind, bad] of Object.entries(BAD_STRINGS)) {
    it(`refuses ${kind} in each string field of each request body`, async () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const { route, method, operation } of operations()) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (!schema) continue;
        const valid = example(doc, schema, ids);
        for (const field of stringPaths(valid)) {
          const where = `${method.toUpperCase()} ${route} body ${field.join('.')}`;
          const answer = refusal(await send(method, pathWith(route, ids), replaced(valid, field, bad)), field.join('.'));
          if (answer) wrong.push(`${where}: ${answer}`);
          checked++;
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('refuses U+0000 in each query and path parameter', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { route, method, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        const where = `${method.toUpperCase()} ${route} ${parameter.in} ${parameter.name}`;
        if (parameter.in !== 'path' && parameter.in !== 'query') continue;
        const path =
          parameter.in === 'path' ? pathWith(route, ids, { name: parameter.name, value: 'a%00b' }) : `${pathWith(route, ids)}?${parameter.name}=a%00b`;
        const answer = refusal(await send(method, path), parameter.name);
        if (answer) wrong.push(`${where}: ${answer}`);
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('answers a surrogate encoded into the URL (as CESU-8) without a 500', async () => {
    const failed: string[] = [];
    for (const { route, method, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        const encoded = 'a%ED%A0%80b';
        const path =
          parameter.in === 'path' ? pathWith(route, ids, { name: parameter.name, value: encoded }) : `${pathWith(route, ids)}?${parameter.name}=${encoded}`;
        const response = await send(method, path);
        if (response.status >= 500) failed.push(`${method.toUpperCase()} ${path}: ${JSON.stringify(response.body ?? null).slice(0, 160)}`);
      }
    }
    expect(failed).toEqual([]);
  });

  it('refuses a batch whose item holds such text as a whole, instead of a 500 item inside a 200', async () => {
    const response = await send('patch', '/api/v1/customers/batch', {
      items: [
        { id: ids.customer, company: 'fine' },
        { id: ids.customer, name: BAD_STRINGS.nul },
      ],
    });
    expectRefused(response, 'PATCH /customers/batch', 'items.1.name');
    const customer = await send('get', `/api/v1/customers/${ids.customer}`);
    expect(customer.body).toMatchObject({ name: 'A customer', company: null });
  });

  it('refuses such text in an object key too (jsonb cannot store it either)', async () => {
    const response = await send('post', '/api/v1/tickets', { title: 'fine', message: 'fine', [`x${BAD_STRINGS.nul}`]: 1 });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 2004 });
  });
});
