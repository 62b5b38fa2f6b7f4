import { describe, expect, it } from 'vitest';
import { FoldedStreams } from '../../src/commands/folded-streams';

const folded = (revision: number) => ({ revision, position: revision + 100, state: { revision }, commands: new Map() });

describe('FoldedStreams', () => {
  const decider = {};
  it('forgets the least recently used stream first', () => {
    const cache = new FoldedStreams(2);
    cache.set('a', decider, folded(1));
    cache.set('b', decider, folded(2));
    expect(cache.get('a', decider)?.revision).toBe(1); // a is now the most recent
    cache.set('c', decider, folded(3));
    expect(cache.get('b', decider)).toBeUndefined();
    expect(cache.get('a', decider)?.revision).toBe(1);
    expect(cache.get('c', decider)?.revision).toBe(3);
  });

  it('never hands a stream folded by one decider to another', () => {
    const cache = new FoldedStreams(10);
    cache.set('a', decider, folded(1));
    expect(cache.get('a', {})).toBeUndefined();
  });

  it("folds on an append and adds the command to the stream's one idempotency record, without copying it", () => {
    const counter = {
      eventTypes: new Set(['Added']),
      initialState: () => 0,
      evolve: (total: number, event: { type: string; data: { by: number } }) => total + event.data.by,
      decide: () => [],
    };
    const cache = new FoldedStreams(10);
    const before = { revision: 0, position: 7, state: 1, commands: new Map([['first', { revision: 0, position: 7 }]]) };
    cache.set('a', counter, before);

    const after = cache.appended(
      'a',
      counter,
      before,
      [
        { type: 'Added', data: { by: 2 } },
        { type: 'Added', data: { by: 3 } },
      ],
      'second',
      { revision: 2, position: 12 },
    );

    expect(cache.get('a', counter)).toBe(after);
    expect(after).toMatchObject({ revision: 2, position: 12, state: 6 });
    expect([...after.commands]).toEqual([
      ['first', { revision: 0, position: 7 }],
      ['second', { revision: 2, position: 12 }],
    ]);
    expect(after.commands).toBe(before.commands);
  });
});
