import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyedLanes } from '../../src/commands/keyed-lanes';

describe('KeyedLanes', () => {
  it('runs tasks of one key one at a time in submission order, and keys concurrently (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ms: fc.integer({ min: 0, max: 3 }), fails: fc.boolean() }), { maxLength: 30 }), async (tasks) => {
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
      }),
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
});
