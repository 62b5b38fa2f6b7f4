/** The ticket detail costs the same number of SQL statements for 1 message as for 300 (no query per message). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { DB } from '../../src/projections/runtime/database';
import { ticketDetail } from '../../src/projections/tickets/tickets.queries';
import { bearer, http, registerUser, startTestApp, TestApp } from '../support/app';

describe('ticket detail query count', () => {
  let t: TestApp;
  let counted: Kysely<DB>;
  let statements = 0;
  beforeAll(async () => {
    t = await startTestApp({ nats: false });
    counted = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: t.database.url, max: 2 }) }), log: () => void statements++ });
  });
  afterAll(async () => {
    await counted?.destroy();
    await t?.close();
  });

  async function ticketWith(messages: number) {
    const user = await registerUser(t.url);
    const opened = await http(t.url, 'POST', '/api/v1/tickets', { title: `ticket with ${messages}`, message: 'first' }, bearer(user.accessToken));
    let position = opened.body.position as number;
    for (let i = 1; i < messages; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, messages - i) }, (_, k) =>
          http(t.url, 'POST', `/api/v1/tickets/${opened.body.id}/messages`, { content: `message ${i + k}` }, bearer(user.accessToken)),
        ),
      );
      position = Math.max(position, ...batch.map((b) => b.body.position as number));
    }
    await t.infrastructure.progress.waitFor('tickets', position, 30_000);
    return { id: opened.body.id as string, viewer: { id: user.userId, readsAll: false, seesNotes: false } };
  }

  async function statementsFor(ticket: { id: string; viewer: { id: string; readsAll: boolean; seesNotes: boolean } }) {
    statements = 0;
    const detail = await ticketDetail(counted, ticket.id, ticket.viewer);
    return { statements, messages: detail?.messages.length };
  }

  it('reads a ticket and all its messages with their authors in one statement, however many messages', async () => {
    const small = await statementsFor(await ticketWith(1));
    const large = await statementsFor(await ticketWith(300));
    expect(small).toEqual({ statements: 1, messages: 1 });
    expect(large).toEqual({ statements: 1, messages: 300 });
  }, 120_000);
});
