/**
 * One ticket message posted over HTTP is one trace through the whole pipeline, against the app on
 * PostgreSQL + NATS with an in-memory span exporter: the HTTP server span, the command, its
 * append, the relay's publish to JetStream, the tickets projector's batch and the gateway's push
 * to a subscribed websocket, each linked to its parent: through the active context in process, the
 * traceparent stamped on the event, and the trace headers on the JetStream and `changes.>` messages.
 * Without NATS (in-process bus) the projector continues from the event's traceparent instead.
 * A sync push is a command like the others: its span holds its one atomic append to many streams.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tracing } from '../../src/adapters/telemetry/tracing';
import type { TestApp } from '../support/app';
import { capturedLogger } from '../support/captured-log';
import { waitUntil } from '../support/poll';
import { connectRealtime, subscribe, type RealtimeClient } from '../support/ws-client';

// Before the app's modules load (imported in beforeAll): the instrumentations patch http, fastify and pg as they are required.
const exporter = new InMemorySpanExporter();
const tracing = Tracing.start({ serviceName: 'switchboard-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe('one trace from the HTTP request to the websocket push (PostgreSQL + NATS)', () => {
  let app: typeof import('../support/app');
  let gateway: typeof import('../../src/adapters/realtime/realtime-gateway').RealtimeGateway;
  let t: TestApp;
  let client: RealtimeClient | undefined;
  const captured = capturedLogger();

  beforeAll(async () => {
    app = await import('../support/app');
    gateway = (await import('../../src/adapters/realtime/realtime-gateway')).RealtimeGateway;
    t = await app.startTestApp({ log: captured.log });
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
    await tracing.shutdown();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const named = (spans: readonly ReadableSpan[], name: string, parent?: ReadableSpan) =>
    spans.filter((span) => span.name === name && (parent === undefined || parentOf(span) === parent.spanContext().spanId));
  /** The span's ancestors, nearest first, as far as the trace holds them. */
  const ancestorsOf = (span: ReadableSpan, spans: readonly ReadableSpan[]) => {
    const chain: ReadableSpan[] = [];
    for (let at = span; parentOf(at);) {
      const parent = spans.find((s) => s.spanContext().spanId === parentOf(at));
      if (!parent) break;
      chain.push(parent);
      at = parent;
    }
    return chain;
  };

  it('links HTTP → command → append, command → relay publish → projector batch → gateway push', async () => {
    const owner = await app.registerUser(t.url);
    const opened = await app.http(t.url, 'POST', '/api/v1/tickets', { title: 'Traced', message: 'first' }, app.bearer(owner.accessToken));
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const ticketId = opened.body.id as string;
    client = await connectRealtime(t.app.get(gateway).port, owner.accessToken);
    await subscribe(client, `ticket:${ticketId}`, { minPosition: opened.body.position });

    const posted = await app.http(t.url, 'POST', `/api/v1/tickets/${ticketId}/messages`, { content: 'follow the trace' }, app.bearer(owner.accessToken));
    expect(posted.status).toBe(201);
    await client.next((frame) => frame.topic === `ticket:${ticketId}` && frame.type === 'TicketMessagePosted');

    const [command] = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'command PostTicketMessage' && span.attributes['switchboard.stream'] === `ticket-${ticketId}`);
    expect(command, 'the command span').toBeDefined();
    const traceId = command!.spanContext().traceId;
    let spans: ReadableSpan[] = [];
    await waitUntil(
      () => {
        spans = spansOf(traceId);
        const projector = named(spans, 'project tickets')[0];
        return projector !== undefined && named(spans, 'push tickets', projector).length > 0 && spans.some((span) => span.kind === SpanKind.SERVER);
      },
      10_000,
      'the projector and push spans of the trace',
    );

    // HTTP: the trace's root is the server span of this request, and the command runs inside it.
    const server = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(parentOf(server)).toBeUndefined();
    expect(server.attributes['http.route']).toBe('/api/v1/tickets/:id/messages');
    expect(server.attributes['http.request.id']).toBe(posted.headers.get('x-request-id'));
    expect(ancestorsOf(command!, spans).at(-1)).toBe(server);

    // The append is the command's child, and the event names the command's span as its traceparent.
    const [append] = named(spans, 'append ticket', command);
    expect(append, 'append span, child of the command').toBeDefined();
    expect(append!.kind).toBe(SpanKind.CLIENT);
    expect(append!.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'switchboard.position': posted.body.position });
    const events = await t.infrastructure.store.readStream(`ticket-${ticketId}`);
    expect(events.at(-1)?.metadata.traceparent).toBe(`00-${traceId}-${command!.spanContext().spanId}-01`);

    // The relay's publish continues from the event's traceparent; the projector from the JetStream headers.
    const [publish] = named(spans, `publish ${t.config.NATS_SUBJECT_PREFIX}.ticket.TicketMessagePosted`, command);
    expect(publish, 'relay publish span, child of the command').toBeDefined();
    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    const [projector] = named(spans, 'project tickets', publish);
    expect(projector, 'tickets projector batch span, child of the publish').toBeDefined();
    expect(projector!.kind).toBe(SpanKind.CONSUMER);
    expect(projector!.attributes['switchboard.position.last']).toBe(posted.body.position);

    // The gateway's push continues from the change notice's headers, sent after the batch's COMMIT.
    const [push] = named(spans, 'push tickets', projector);
    expect(push, 'gateway push span, child of the projector batch').toBeDefined();
    expect(push!.attributes).toMatchObject({ 'switchboard.change.type': 'TicketMessagePosted', 'switchboard.position': posted.body.position });

    // Auto-instrumented pg queries sit under the spans that made them: the batch's transaction under the batch.
    const batchQueries = spans
      .filter((span) => span.name.startsWith('pg.query') && parentOf(span) === projector!.spanContext().spanId)
      .map((span) => span.name.split(' ')[0]);
    expect(batchQueries, 'pg query spans under the projector batch').toEqual(expect.arrayContaining(['pg.query:BEGIN', 'pg.query:COMMIT']));

    // The request's log line carries its id and the trace's ids.
    const requestLine = captured.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.reqId === posted.headers.get('x-request-id') && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[\da-f]{16}$/) });
  });

  it('traces a sync push as one command, with its atomic append to every stream under it', async () => {
    const owner = await app.registerUser(t.url);
    const [projectId, taskId] = [randomUUID().replace(/-/g, '').slice(0, 16), randomUUID().replace(/-/g, '').slice(0, 16)];
    const changes = {
      projects: { created: [{ id: projectId, name: 'Traced', description: '' }] },
      tasks: { created: [{ id: taskId, title: 'Follow it', description: '', is_completed: false, project_id: projectId }] },
    };
    const pushed = await app.http(t.url, 'POST', '/api/v1/sync?lastPulledAt=null', { changes }, app.bearer(owner.accessToken));
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);

    const appends = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'append project+task' && span.attributes['switchboard.position'] === pushed.body.position);
    expect(appends, 'one append span for the whole push').toHaveLength(1);
    const spans = spansOf(appends[0]!.spanContext().traceId);
    const command = spans.find((span) => span.spanContext().spanId === parentOf(appends[0]!));
    expect(command?.name, 'the append is a child of the command span').toBe('command PushSyncChanges');
    expect(command!.attributes['switchboard.command.outcome']).toBe('accepted');
    expect(appends[0]!.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'switchboard.streams': 2, 'switchboard.event_count': 3 });
    expect(ancestorsOf(command!, spans).at(-1)?.attributes['http.route']).toBe('/api/v1/sync');
    for (const stream of [`project-${projectId}`, `task-${taskId}`]) {
      for (const event of await t.infrastructure.store.readStream(stream))
        expect(event.metadata.traceparent).toBe(`00-${command!.spanContext().traceId}-${command!.spanContext().spanId}-01`);
    }
  });

  it('links the same way without NATS: the projector continues from the event, the push from the in-process notice', async () => {
    const local = await app.startTestApp({ nats: false });
    try {
      const owner = await app.registerUser(local.url);
      const opened = await app.http(local.url, 'POST', '/api/v1/tickets', { title: 'In process', message: 'hello' }, app.bearer(owner.accessToken));
      expect(opened.status).toBe(201);
      const [command] = exporter
        .getFinishedSpans()
        .filter((span) => span.name === 'command OpenTicket' && span.attributes['switchboard.stream'] === `ticket-${opened.body.id}`);
      expect(command, 'the command span').toBeDefined();
      const traceId = command!.spanContext().traceId;
      await waitUntil(() => named(spansOf(traceId), 'push tickets').length > 0, 10_000, 'the push span of the trace');
      const spans = spansOf(traceId);
      const [projector] = named(spans, 'project tickets', command);
      expect(projector, 'tickets projector batch span, child of the command').toBeDefined();
      const pushes = named(spans, 'push tickets');
      expect(
        pushes.every((push) => parentOf(push) === projector!.spanContext().spanId),
        'push spans, children of the batch',
      ).toBe(true);
    } finally {
      await local.close();
    }
  });

  it('continues the trace a client sends in `traceparent`', async () => {
    const owner = await app.registerUser(t.url);
    const incoming = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const opened = await app.http(
      t.url,
      'POST',
      '/api/v1/tickets',
      { title: 'Remote parent', message: 'hi' },
      { ...app.bearer(owner.accessToken), traceparent: `00-${incoming.traceId}-${incoming.spanId}-01` },
    );
    expect(opened.status).toBe(201);
    await waitUntil(() => named(spansOf(incoming.traceId), 'command OpenTicket').length > 0, 5_000, 'the command span in the client trace');
    const server = spansOf(incoming.traceId).find((span) => span.kind === SpanKind.SERVER);
    expect(parentOf(server!)).toBe(incoming.spanId);
  });
});
