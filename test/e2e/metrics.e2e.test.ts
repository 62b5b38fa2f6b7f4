/**
 * `GET /metrics` on the metrics port (METRICS_PORT) against the app on PostgreSQL + NATS, after real commands: Prometheus text from the
 * OpenTelemetry exporter with commands by type and outcome, append latency, concurrency retries,
 * the relay's position, each projection's checkpoint and lag, JetStream consumer backlog,
 * websocket connections and HTTP latency by route. No tracing runs here: metrics stand alone.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeGateway } from '../../src/adapters/realtime/realtime-gateway';
import { MetricsServer } from '../../src/adapters/telemetry/metrics-server';
import { CommandRunner } from '../../src/commands/command-runner';
import { newCommandContext } from '../../src/commands/command-context';
import type { EventStore } from '../../src/ports/event-store.port';
import { bearer, http, registerUser, startTestApp, type TestApp } from '../support/app';
import { noteDecider } from '../support/notes/note.decider';
import { waitUntil } from '../support/poll';
import { connectRealtime, type RealtimeClient } from '../support/ws-client';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus exposition text as samples (comments skipped). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

describe('metrics at /metrics (PostgreSQL + NATS)', () => {
  let t: TestApp;
  let client: RealtimeClient | undefined;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
  });

  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${t.app.get(MetricsServer).port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await response.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string | number> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([key, want]) => s.labels[key] === String(want)))?.value;

  it('counts commands, times appends and HTTP routes, and shows each projection caught up', async () => {
    const owner = await registerUser(t.url);
    const opened = await http(t.url, 'POST', '/api/v1/tickets', { title: 'Metered', message: 'one' }, bearer(owner.accessToken));
    expect(opened.status).toBe(201);
    let position = opened.body.position as number;
    for (const content of ['two', 'three']) {
      const posted = await http(t.url, 'POST', `/api/v1/tickets/${opened.body.id}/messages`, { content }, bearer(owner.accessToken));
      expect(posted.status).toBe(201);
      position = posted.body.position;
    }
    const refused = await http(t.url, 'POST', `/api/v1/tickets/${randomUUID()}/messages`, { content: 'nobody there' }, bearer(owner.accessToken));
    expect(refused.status).toBe(404);
    client = await connectRealtime(t.app.get(RealtimeGateway).port, owner.accessToken);

    let samples: Sample[] = [];
    await waitUntil(
      async () => {
        samples = await scrape();
        return (
          value(samples, 'switchboard_projection_lag_positions', { projection: 'tickets' }) === 0 &&
          (value(samples, 'switchboard_projection_checkpoint', { projection: 'tickets' }) ?? 0) >= position
        );
      },
      20_000, // the pipeline is read at most every 5 s (pipeline-metrics.ts): a few readings
      'the tickets projection caught up, as /metrics shows it',
    );

    expect(value(samples, 'switchboard_commands_total', { type: 'OpenTicket', outcome: 'accepted' })).toBe(1);
    expect(value(samples, 'switchboard_commands_total', { type: 'PostTicketMessage', outcome: 'accepted' })).toBe(2);
    expect(value(samples, 'switchboard_commands_total', { type: 'PostTicketMessage', outcome: 'rejected' })).toBe(1);
    expect(value(samples, 'switchboard_commands_total', { type: 'RegisterUser', outcome: 'accepted' })).toBe(1);

    const appends = value(samples, 'switchboard_eventstore_append_duration_count', { category: 'ticket', outcome: 'appended' });
    expect(appends).toBe(3);
    expect(value(samples, 'switchboard_eventstore_append_duration_sum', { category: 'ticket', outcome: 'appended' })).toBeGreaterThan(0);
    expect(value(samples, 'switchboard_eventstore_append_duration_bucket', { category: 'ticket', outcome: 'appended', le: '+Inf' })).toBe(appends);

    for (const projection of t.infrastructure.projectors.map((p) => p.name)) {
      expect(value(samples, 'switchboard_projection_checkpoint', { projection }), projection).toBeGreaterThan(0);
      expect(value(samples, 'switchboard_projection_lag_positions', { projection }), projection).toBeGreaterThanOrEqual(0);
      expect(value(samples, 'switchboard_projection_lag_seconds', { projection }), projection).toBeGreaterThanOrEqual(0);
      expect(value(samples, 'switchboard_jetstream_consumer_pending', { projection }), projection).toBeGreaterThanOrEqual(0);
    }
    expect(value(samples, 'switchboard_projection_lag_seconds', { projection: 'tickets' })).toBe(0);
    expect(value(samples, 'switchboard_relay_position')).toBeGreaterThanOrEqual(position);

    expect(
      value(samples, 'http_server_request_duration_count', {
        http_route: '/api/v1/tickets/:id/messages',
        http_request_method: 'POST',
        http_response_status_code: 201,
      }),
    ).toBe(2);
    expect(value(samples, 'http_server_request_duration_count', { http_route: '/api/v1/tickets/:id/messages', http_response_status_code: 404 })).toBe(1);
    expect(value(samples, 'switchboard_realtime_connections')).toBe(1);
    expect(value(samples, 'switchboard_realtime_dropped_slow_clients_total')).toBe(0);
  });

  it('counts a concurrency retry when another process appends first', async () => {
    // The real store, with another writer ("process") slipping an append in between this runner's read and its append, once.
    const store = t.infrastructure.store;
    const noteId = randomUUID();
    const stream = `note-${noteId}`;
    const at = () => new Date().toISOString();
    let raced = false;
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: async (...args: Parameters<EventStore['append']>) => {
        if (!raced && args[0] === stream && args[2] !== 'no_stream') {
          raced = true;
          await store.append(
            stream,
            [
              {
                id: randomUUID(),
                type: 'NoteRenamed',
                data: { noteId, title: 'elsewhere', at: at() },
                metadata: { ...newCommandContext({ actorId: null }), schemaVersion: 1 },
              },
            ],
            'any',
          );
        }
        return store.append(...args);
      },
    });
    const runner = new CommandRunner(racing, { COMMAND_MAX_RETRIES: 3 });
    const target = { id: noteId, stream };
    await runner.run(noteDecider, target, { type: 'CreateNote', data: { noteId, title: 'first', at: at() } }, newCommandContext({ actorId: 'user-1' }));
    await runner.run(noteDecider, target, { type: 'RenameNote', data: { noteId, title: 'second', at: at() } }, newCommandContext({ actorId: 'user-1' }));

    const samples = await scrape();
    expect(value(samples, 'switchboard_commands_concurrency_retries_total', { type: 'RenameNote' })).toBe(1);
    expect(value(samples, 'switchboard_commands_total', { type: 'RenameNote', outcome: 'accepted' })).toBe(1);
    expect(value(samples, 'switchboard_eventstore_append_duration_count', { category: 'note', outcome: 'conflict' })).toBe(1);
  });

  it('counts sync pushes as commands, accepted and rejected, and times their atomic append', async () => {
    const owner = await registerUser(t.url);
    const [projectId, taskId] = [randomUUID().replace(/-/g, '').slice(0, 16), randomUUID().replace(/-/g, '').slice(0, 16)];
    const push = (changes: unknown) => http(t.url, 'POST', '/api/v1/sync?lastPulledAt=null', { changes }, bearer(owner.accessToken));
    const pushed = await push({
      projects: { created: [{ id: projectId, name: 'Metered', description: '' }] },
      tasks: { created: [{ id: taskId, title: 'Count me', description: '', is_completed: false, project_id: projectId }] },
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const unseen = await push({ projects: { updated: [{ id: projectId, name: 'Renamed', description: '' }] } });
    expect(unseen.status, JSON.stringify(unseen.body)).toBe(409); // it changed on the server since the (never made) last pull

    const samples = await scrape();
    expect(value(samples, 'switchboard_commands_total', { type: 'PushSyncChanges', outcome: 'accepted' })).toBe(1);
    expect(value(samples, 'switchboard_commands_total', { type: 'PushSyncChanges', outcome: 'rejected' })).toBe(1);
    expect(value(samples, 'switchboard_eventstore_append_duration_count', { category: 'project+task', outcome: 'appended' })).toBe(1);
  });

  it('is served on its own port only, and stays out of the OpenAPI document', async () => {
    const document = await http(t.url, 'GET', '/openapi.json');
    expect(Object.keys(document.body.paths as object).filter((path) => path.includes('metrics'))).toEqual([]);
    expect((await http(t.url, 'GET', '/metrics')).status).toBe(404);
    expect((await http(t.url, 'GET', '/api/v1/metrics')).status).toBe(404);
  });
});
