/**
 * The contract every EventStore adapter passes: PostgreSQL, PGlite, EventStoreDB/KurrentDB.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { EventStore, EventToAppend, ExpectedRevision, RecordedEvent, WrongExpectedRevisionError } from '../../src/ports/event-store.port';
import { sleep, waitUntil } from '../support/poll';

export interface ContractSubject {
  store: EventStore;
  close(): Promise<void>;
  /**
   * Appends inside a transaction that stays open until `commit` is called, so that a test can make
   * transactions commit out of position order. Only stores with concurrent writers provide it.
   */
  appendHeldOpen?(stream: string, events: EventToAppend[], expected: ExpectedRevision): Promise<{ commit(): Promise<void> }>;
}

export function anEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}): EventToAppend {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { actorId: null, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1 },
  };
}

const aStream = (category = 'contract') => `${category}-${randomUUID()}`;

function byActor(type: string, actorId: string | null): EventToAppend {
  const event = anEvent(type);
  return { ...event, metadata: { ...event.metadata, actorId } };
}

export function describeEventStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => subject?.close());

    it('appends to a new stream and reads it back in revision order', async () => {
      const stream = aStream();
      const events = [anEvent('A', { n: 1 }), anEvent('B', { n: 2 }), anEvent('C', { n: 3 })];
      const result = await store.append(stream, events, 'no_stream');
      expect(result.revision).toBe(2);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.revision, e.type, e.data, e.id])).toEqual(events.map((e, i) => [i, e.type, e.data, e.id]));
      expect(read[2]!.position).toBe(result.position);
      expect(read[0]!.position).toBeGreaterThan(0);
      expect(read[0]!.position).toBeLessThan(read[1]!.position);
      expect(read[0]!.metadata).toEqual(events[0]!.metadata);
      expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      expect(read[0]!.stream).toBe(stream);
    });

    it('reads an unknown stream as empty, and a stream from a revision', async () => {
      expect(await store.readStream(aStream())).toEqual([]);
      const stream = aStream();
      await store.append(stream, [anEvent('A'), anEvent('B'), anEvent('C')], 'no_stream');
      const tail = await store.readStream(stream, { fromRevision: 1, maxCount: 1 });
      expect(tail.map((e) => e.type)).toEqual(['B']);
    });

    it('refuses an append whose expected revision does not hold, and writes nothing', async () => {
      const stream = aStream();
      await expect(store.append(stream, [anEvent()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream, [anEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await store.append(stream, [anEvent(), anEvent()], 'no_stream');
      const refusals: ExpectedRevision[] = ['no_stream', 0, 2];
      for (const expected of refusals) {
        const error = await store.append(stream, [anEvent()], expected).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(1);
      }
      expect(await store.readStream(stream)).toHaveLength(2);
      expect((await store.append(stream, [anEvent()], 1)).revision).toBe(2);
      expect((await store.append(stream, [anEvent()], 'stream_exists')).revision).toBe(3);
      expect((await store.append(stream, [anEvent()], 'any')).revision).toBe(4);
      expect((await store.append(aStream(), [anEvent()], 'any')).revision).toBe(0);
    });

    it('makes a repeated append idempotent: nothing is written, the first result is returned', async () => {
      const stream = aStream();
      await store.append(stream, [anEvent()], 'no_stream');
      const batch = [anEvent('X'), anEvent('Y')];
      const first = await store.append(stream, batch, 0);
      const again = await store.append(stream, batch, 0);
      expect(again).toEqual(first);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['SomethingHappened', 'X', 'Y']);
    });

    it('lets exactly one of many concurrent appends win each revision', async () => {
      const stream = aStream();
      const contenders = 16;
      const outcomes = await Promise.allSettled(
        Array.from({ length: contenders }, (_, i) => store.append(stream, [anEvent('Claimed', { by: i })], 'no_stream')),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('loses and duplicates nothing when concurrent writers retry on conflict', async () => {
      const stream = aStream();
      const writers = 8;
      const perWriter = 5;
      const writer = async (w: number) => {
        for (let i = 0; i < perWriter; i++) {
          for (;;) {
            const current = await store.readStream(stream);
            const expected: ExpectedRevision = current.length === 0 ? 'no_stream' : current.length - 1;
            try {
              await store.append(stream, [anEvent('Written', { w, i })], expected);
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      const events = await store.readStream(stream);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i));
      const written = events.map((e) => `${String(e.data.w)}/${String(e.data.i)}`);
      expect(new Set(written).size).toBe(writers * perWriter);
      for (let w = 0; w < writers; w++) {
        const mine = events.filter((e) => e.data.w === w).map((e) => e.data.i);
        expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i)); // each writer's order kept
      }
    });

    describe('appendMany: several streams in one atomic append', () => {
      it('appends to each stream with its own expected revision, and answers per stream in the order given', async () => {
        const [fresh, existing] = [aStream(), aStream()];
        await store.append(existing, [anEvent('Before')], 'no_stream');
        const freshEvents = [anEvent('A', { n: 1 }), anEvent('B', { n: 2 })];
        const results = await store.appendMany([
          { stream: fresh, events: freshEvents, expectedRevision: 'no_stream' },
          { stream: existing, events: [anEvent('C')], expectedRevision: 0 },
        ]);
        expect(results.map((r) => r.revision)).toEqual([1, 1]);
        const read = await store.readStream(fresh);
        expect(read.map((e) => [e.id, e.revision, e.type, e.data])).toEqual(freshEvents.map((e, i) => [e.id, i, e.type, e.data]));
        expect(read[0]!.metadata).toEqual(freshEvents[0]!.metadata);
        expect(results[0]!.position).toBe(read[1]!.position);
        const after = await store.readStream(existing);
        expect(after.map((e) => e.type)).toEqual(['Before', 'C']);
        expect(results[1]!.position).toBe(after[1]!.position);
        expect(await store.appendMany([])).toEqual([]);
      });

      it('writes nothing on any stream when one expected revision does not hold', async () => {
        const [fresh, existing] = [aStream(), aStream()];
        await store.append(existing, [anEvent('Before')], 'no_stream');
        const error = await store
          .appendMany([
            { stream: fresh, events: [anEvent('A')], expectedRevision: 'no_stream' },
            { stream: existing, events: [anEvent('B')], expectedRevision: 5 },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).stream).toBe(existing);
        expect((error as WrongExpectedRevisionError).actual).toBe(0);
        expect(await store.readStream(fresh)).toEqual([]);
        expect((await store.readStream(existing)).map((e) => e.type)).toEqual(['Before']);
      });

      it('lets exactly one of two concurrent appends over the same streams win, in whichever order they name them', async () => {
        const [x, y] = [aStream(), aStream()];
        const outcomes = await Promise.allSettled([
          store.appendMany([
            { stream: x, events: [anEvent('First')], expectedRevision: 'no_stream' },
            { stream: y, events: [anEvent('First')], expectedRevision: 'no_stream' },
          ]),
          store.appendMany([
            { stream: y, events: [anEvent('Second')], expectedRevision: 'no_stream' },
            { stream: x, events: [anEvent('Second')], expectedRevision: 'no_stream' },
          ]),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect(refused?.reason).toBeInstanceOf(WrongExpectedRevisionError);
        const [inX, inY] = [await store.readStream(x), await store.readStream(y)];
        expect(inX).toHaveLength(1);
        expect(inY.map((e) => e.type)).toEqual(inX.map((e) => e.type)); // both from the same winner
      });
    });

    it('reads $all after a position, in strictly increasing position order', async () => {
      const head = await store.headPosition();
      const stream = aStream();
      await store.append(stream, [anEvent('A'), anEvent('B')], 'no_stream');
      await store.append(aStream(), [anEvent('C')], 'no_stream');
      // Readable once every older transaction in the cluster has finished: wait, do not assume.
      let all: RecordedEvent[] = [];
      await waitUntil(async () => (all = await store.readAll({ after: head, limit: 1000 })).filter((e) => ['A', 'B', 'C'].includes(e.type)).length === 3);
      const mine = all.filter((e) => ['A', 'B', 'C'].includes(e.type) && e.position > head);
      expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(mine[2]!.position);
      const limited = await store.readAll({ after: head, limit: 1 });
      expect(limited).toHaveLength(1);
    });

    it('subscribes to $all: catches up, then delivers live events, in order', async () => {
      const head = await store.headPosition();
      const before = aStream();
      await store.append(before, [anEvent('Before')], 'no_stream');
      const controller = new AbortController();
      const seen: RecordedEvent[] = [];
      const done = (async () => {
        for await (const batch of store.subscribeToAll({ after: head, signal: controller.signal })) {
          seen.push(...batch);
          if (seen.some((e) => e.type === 'After')) controller.abort();
        }
      })();
      await waitUntil(() => seen.some((e) => e.type === 'Before'));
      await store.append(aStream(), [anEvent('After')], 'no_stream');
      await done;
      const types = seen.map((e) => e.type);
      expect(types.indexOf('Before')).toBeLessThan(types.indexOf('After'));
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
    });

    it('never lets a $all subscriber skip or repeat an event, whatever order transactions commit in (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 10 }).chain((sizes) =>
            fc.tuple(
              fc.constant(sizes),
              fc.shuffledSubarray([...sizes.keys()], { minLength: sizes.length }), // commit order
              fc.array(fc.integer({ min: 0, max: 8 }), { minLength: sizes.length, maxLength: sizes.length }), // delays
            ),
          ),
          async ([sizes, commitOrder, delays]) => {
            const head = await store.headPosition();
            const batches = sizes.map((size) => Array.from({ length: size }, () => anEvent('Concurrent')));
            const ids = new Set(batches.flat().map((e) => e.id));
            const controller = new AbortController();
            const seen: RecordedEvent[] = [];
            const subscription = (async () => {
              for await (const batch of store.subscribeToAll({ after: head, batchSize: 2, signal: controller.signal })) {
                seen.push(...batch);
                if (seen.filter((e) => ids.has(e.id)).length >= ids.size) controller.abort();
              }
            })();
            if (subject.appendHeldOpen) {
              // Positions are taken in index order; commits then happen in a shuffled order.
              const open = [];
              for (const events of batches) open.push(await subject.appendHeldOpen(aStream(), events, 'no_stream'));
              for (const i of commitOrder) {
                await sleep(delays[i]!);
                await open[i]!.commit();
              }
            } else {
              await Promise.all(
                commitOrder.map(async (i) => {
                  await sleep(delays[i]!);
                  await store.append(aStream(), batches[i]!, 'no_stream');
                }),
              );
            }
            const timeout = setTimeout(() => controller.abort(), 5_000);
            await subscription;
            clearTimeout(timeout);
            const mine = seen.filter((e) => ids.has(e.id));
            expect(new Set(mine.map((e) => e.id)).size).toBe(ids.size); // nothing skipped
            expect(mine).toHaveLength(ids.size); // nothing repeated
            for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
          },
        ),
        { numRuns: 30 },
      );
    });

    describe('queryAll: the audit trail', () => {
      // Types and actors of its own, so that no other test's events can match.
      const tag = randomUUID().replace(/-/g, '').slice(0, 8);
      const T = { opened: `AuditOpened_${tag}`, changed: `AuditChanged_${tag}`, closed: `AuditClosed_${tag}` };
      const allTypes = Object.values(T);
      const alice = randomUUID();
      const bob = randomUUID();
      let head: number;
      /** alice opened, alice changed | bob opened | alice closed | (no actor) changed — appends ≥ 10 ms apart. */
      let log: RecordedEvent[];
      const ids = (events: RecordedEvent[]) => events.map((e) => e.id);
      const at = (...indexes: number[]) => indexes.map((i) => log[i]!.id);

      beforeAll(async () => {
        head = await store.headPosition();
        const [first, second, third] = [aStream('audit'), aStream('audit'), aStream('audit')];
        await store.append(first, [byActor(T.opened, alice), byActor(T.changed, alice)], 'no_stream');
        await sleep(10);
        await store.append(second, [byActor(T.opened, bob)], 'no_stream');
        await sleep(10);
        await store.append(first, [byActor(T.closed, alice)], 1);
        await sleep(10);
        await store.append(third, [byActor(T.changed, null)], 'no_stream');
        // The horizon lags while any transaction in the cluster is open (other test files' too).
        const readMine = async () => (await store.readAll({ after: head, limit: 100_000 })).filter((e) => allTypes.includes(e.type));
        await waitUntil(async () => (await readMine()).length === 5, 10_000, 'the audit fixture below the horizon');
        log = await readMine();
        expect(log.map((e) => e.type)).toEqual([T.opened, T.changed, T.opened, T.closed, T.changed]);
      });

      it('filters by type, by actor, and by both, in position order, with the events as recorded', async () => {
        const opened = await store.queryAll({ after: head, limit: 100, types: [T.opened] });
        expect(opened).toEqual([log[0], log[2]]); // every field, metadata and recordedAt included
        expect(ids(await store.queryAll({ limit: 100, types: [T.opened] }))).toEqual(at(0, 2)); // after defaults to 0
        expect(ids(await store.queryAll({ after: head, limit: 100, types: [T.opened, T.closed] }))).toEqual(at(0, 2, 3));
        expect(ids(await store.queryAll({ after: head, limit: 100, actorId: alice }))).toEqual(at(0, 1, 3));
        expect(ids(await store.queryAll({ after: head, limit: 100, actorId: alice, types: [T.changed] }))).toEqual(at(1));
        expect(ids(await store.queryAll({ after: head, limit: 100, actorId: alice, types: [T.opened, T.closed] }))).toEqual(at(0, 3));
        expect(await store.queryAll({ after: head, limit: 100, actorId: bob, types: [T.closed] })).toEqual([]);
        expect(await store.queryAll({ after: head, limit: 100, actorId: randomUUID() })).toEqual([]);
        expect(await store.queryAll({ after: head, limit: 100, types: [`AuditNever_${tag}`] })).toEqual([]);
        expect(await store.queryAll({ after: head, limit: 100, types: [] })).toEqual([]);
        const everything = await store.queryAll({ after: head, limit: 100_000 });
        expect(ids(everything.filter((e) => allTypes.includes(e.type)))).toEqual(at(0, 1, 2, 3, 4));
        for (let i = 1; i < everything.length; i++) expect(everything[i]!.position).toBeGreaterThan(everything[i - 1]!.position);
      });

      it('pages with after = the last position: each event once, none skipped', async () => {
        const pages = async (filter: { types?: string[]; actorId?: string }, limit: number) => {
          const seen: string[][] = [];
          let after = head;
          for (;;) {
            const page = await store.queryAll({ ...filter, after, limit });
            expect(page.length).toBeLessThanOrEqual(limit);
            if (page.length === 0) return seen;
            seen.push(ids(page));
            after = page[page.length - 1]!.position;
          }
        };
        expect(await pages({ actorId: alice }, 1)).toEqual([at(0), at(1), at(3)]);
        expect(await pages({ types: allTypes }, 2)).toEqual([at(0, 1), at(2, 3), at(4)]);
        expect(ids(await store.queryAll({ after: log[1]!.position, limit: 100, types: allTypes }))).toEqual(at(2, 3, 4));
        expect(await store.queryAll({ after: log[4]!.position, limit: 100, types: allTypes })).toEqual([]);
      });

      it('bounds by recording time, both ends inclusive', async () => {
        const time = (i: number) => log[i]!.recordedAt;
        for (const i of [1, 2, 3]) expect(time(i + 1).getTime()).toBeGreaterThan(time(i).getTime()); // the appends were apart
        const within = (from?: Date, to?: Date, actorId?: string) => store.queryAll({ after: head, limit: 100, types: allTypes, from, to, actorId }).then(ids);
        expect(await within(time(2), time(3))).toEqual(at(2, 3));
        expect(await within(time(3))).toEqual(at(3, 4));
        expect(await within(undefined, time(1))).toEqual(at(0, 1));
        expect(await within(time(2), time(2), bob)).toEqual(at(2));
        expect(await within(time(2), time(4), alice)).toEqual(at(3));
        expect(await within(time(3), time(2))).toEqual([]);
        expect(await within(new Date(time(4).getTime() + 1))).toEqual([]);
      });

      it('never returns an event past the gap-free horizon, so paging cannot skip a late commit', async (context) => {
        if (!subject.appendHeldOpen) {
          console.log(`skipped: ${name} cannot hold a transaction open beside another (one connection, or no writer transactions)`);
          return context.skip();
        }
        const actor = randomUUID();
        const held = await subject.appendHeldOpen(aStream('audit'), [byActor('AuditHeldOpen', actor)], 'no_stream');
        try {
          await store.append(aStream('audit'), [byActor('AuditCommittedFirst', actor)], 'no_stream');
          // The later position is committed, but a lower one may still commit: neither is returned yet.
          expect(await store.queryAll({ limit: 10, actorId: actor })).toEqual([]);
        } finally {
          await held.commit();
        }
        await waitUntil(async () => (await store.queryAll({ limit: 10, actorId: actor })).length === 2, 10_000, 'the horizon to pass both');
        const events = await store.queryAll({ limit: 10, actorId: actor });
        expect(events.map((e) => e.type)).toEqual(['AuditHeldOpen', 'AuditCommittedFirst']);
      });
    });
  });
}
