import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyedLanes } from '../../src/commands/keyed-lanes';

describe('KeyedLanes', () => {
  it('runs tasks of one key one at a time in submission order, and keys concurrently (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ms: fc.integer({ min: 0, max: 3 }), fails: fc.boolean() }), { maxLength: 30 }),
        async (tasks) => {
          const lanes = new KeyedLanes();
          const running = new Map<string, number>();
          const order = new Map<string, number[]>();
          await Promise.allSettled(
            tasks.map((task, index) =>
              lanes.run(task.key, async () => {
                running.set(task.key, (running.get(task.key) ?? 0) + 1);
                expect(running.get(task.key)).toBe(1); // never two of one key at once
                order.set(task.key, [...(order.get(task.key) ?? []), index]);
                await new Promise((r) => setTimeout(r, task.ms));
                running.set(task.key, running.get(task.key)! - 1);
                if (task.fails) throw new Error('task failed'); // a failure does not block the lane
              }),
            ),
          );
          for (const [key, indexes] of order) {
            expect(indexes).toEqual(tasks.flatMap((t, i) => (t.key === key ? [i] : [])));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('lets different keys overlap', async () => {
    const lanes = new KeyedLanes();
    let concurrent = 0;
    let most = 0;
    const task = () => async () => {
      most = Math.max(most, ++concurrent);
      await new Promise((r) => setTimeout(r, 10));
      concurrent--;
    };
    await Promise.all([lanes.run('a', task()), lanes.run('b', task()), lanes.run('c', task())]);
    expect(most).toBe(3);
  });

  it('runs many-key and one-key tasks to the end, never two holding one key at once, whatever the order they come in (property)', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const task = fc.record({ keys: fc.uniqueArray(key, { minLength: 1, maxLength: 4 }), ms: fc.integer({ min: 0, max: 2 }), fails: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(task, { maxLength: 25 }), async (tasks) => {
        const lanes = new KeyedLanes();
        const holding = new Set<string>();
        let finished = 0;
        const all = Promise.allSettled(
          tasks.map(({ keys, ms, fails }) =>
            lanes.runAll(keys, async () => {
              for (const k of keys) expect(holding.has(k), `${k} held twice`).toBe(false);
              for (const k of keys) holding.add(k);
              await new Promise((r) => setTimeout(r, ms));
              for (const k of keys) holding.delete(k);
              finished++;
              if (fails) throw new Error('task failed');
            }),
          ),
        );
        // A deadlock never settles: give the tasks far longer than they need, then look.
        const settled = await Promise.race([all.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2_000))]);
        expect(settled, 'every task ran to the end (no deadlock)').toBe(true);
        expect(finished).toBe(tasks.length);
      }),
      { numRuns: 50 },
    );
  });
});
