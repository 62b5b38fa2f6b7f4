/**
 * The engine end to end on PostgreSQL + NATS: a command over HTTP, its event on JetStream,
 * its row in the read model, and a `minPosition` query that sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMsg } from '@nats-io/jetstream';
import { waitUntil } from '../support/poll';
import { http, startTestApp, TestApp } from '../support/app';
import { NotesModule } from '../support/notes/notes.module';
import { notesProjection } from '../support/notes/notes.projection';

describe('engine over HTTP (PostgreSQL + NATS JetStream)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ modules: [NotesModule], projections: [notesProjection], env: { READ_YOUR_WRITES_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => t?.close());

  it('answers a command with {id, revision, position}, relays its event, and serves it with minPosition', async () => {
    const created = await http(t.url, 'POST', '/api/v1/test-notes', { title: 'first' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), revision: 0, position: expect.any(Number) });

    const read = await http(t.url, 'GET', `/api/v1/test-notes/${created.body.id}?minPosition=${created.body.position}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, title: 'first', revision: 0 });

    const { jsm } = t.infrastructure.nats!;
    const subject = `${t.config.NATS_SUBJECT_PREFIX}.note.NoteCreated`;
    let message: StoredMsg | null = null;
    await waitUntil(async () => (message = await jsm.streams.getMessage(t.config.NATS_STREAM, { last_by_subj: subject }).catch(() => null)) !== null);
    expect(message!.subject).toBe(subject);
    expect(message!.header.get('Nats-Msg-Id')).toBeTruthy();
    const event = message!.json<{ id: string; stream: string; position: number; metadata: Record<string, unknown> }>();
    expect(message!.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(event).toMatchObject({ stream: `note-${created.body.id}`, position: created.body.position });
    expect(event.metadata).toMatchObject({ actorId: null, schemaVersion: 1, commandId: expect.any(String), correlationId: expect.any(String) });
  });

  it('stamps correlation and traceparent from the request on the event', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const created = await http(t.url, 'POST', '/api/v1/test-notes', { title: 'traced' }, { traceparent, 'x-correlation-id': 'corr-42' });
    const [event] = await t.infrastructure.store.readStream(`note-${created.body.id}`);
    expect(event?.metadata).toMatchObject({ traceparent, correlationId: 'corr-42', causationId: event?.metadata.commandId });
  });

  it('repeats nothing for a repeated Idempotency-Key, and returns the first result', async () => {
    const headers = { 'idempotency-key': 'create-once-1' };
    const first = await http(t.url, 'POST', '/api/v1/test-notes', { title: 'once' }, headers);
    const again = await http(t.url, 'POST', '/api/v1/test-notes', { title: 'once' }, headers);
    expect(again.body).toEqual(first.body);
    expect(await t.infrastructure.store.readStream(`note-${first.body.id}`)).toHaveLength(1);
  });

  it('lands every one of many concurrent commands on one stream, in one order', async () => {
    const created = await http(t.url, 'POST', '/api/v1/test-notes', { title: 't0' });
    const renames = await Promise.all(
      Array.from({ length: 20 }, (_, i) => http(t.url, 'POST', `/api/v1/test-notes/${created.body.id}/title`, { title: `t${i + 1}` })),
    );
    expect(renames.map((r) => r.status)).toEqual(renames.map(() => 201));
    const events = await t.infrastructure.store.readStream(`note-${created.body.id}`);
    expect(events).toHaveLength(21);
    const last = Math.max(...renames.map((r) => r.body.position as number));
    const read = await http(t.url, 'GET', `/api/v1/test-notes/${created.body.id}?minPosition=${last}`);
    expect(read.body).toMatchObject({ renames: 20, revision: 20 });
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const head = await t.infrastructure.store.headPosition();
    const bad = await http(t.url, 'POST', '/api/v1/test-notes', { title: '' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ status: 400, code: 2001, errors: [{ path: 'title', message: expect.any(String) }] });

    const malformed = await http(t.url, 'POST', '/api/v1/test-notes', '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 2002 });

    const rule = await http(t.url, 'POST', '/api/v1/test-notes', { title: '   ' });
    expect(rule.status).toBe(422);
    expect(rule.body).toMatchObject({ code: 2003, rule: 'NoteTitleIsNotBlank' });

    const unknown = await http(t.url, 'POST', '/api/v1/test-notes/7d1c3c39-32b5-4c77-9c1e-2b8f7a4b1e10/title', { title: 'x' });
    expect(unknown.status).toBe(409);
    expect(unknown.body).toMatchObject({ code: 3003, rule: 'OnlyExistingNotesAreRenamed' });

    const badId = await http(t.url, 'GET', '/api/v1/test-notes/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(await t.infrastructure.store.headPosition()).toBe(head);
  });

  it('answers 503 with a clear problem when the read model does not reach minPosition in time', async () => {
    const created = await http(t.url, 'POST', '/api/v1/test-notes', { title: 'soon' });
    const read = await http(t.url, 'GET', `/api/v1/test-notes/${created.body.id}?minPosition=${created.body.position + 1_000_000}`);
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('1');
    expect(read.body).toMatchObject({ code: 4002, projection: 'test-notes' });
  });

  it('reports readiness of every configured backend, and serves the OpenAPI document', async () => {
    const ready = await http(t.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', eventStore: 'ok', nats: 'ok', jetstream: 'ok' });
    const openapi = await http(t.url, 'GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/api/v1/test-notes');
    expect(openapi.body.components.schemas.NoteBody.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
  });
});
