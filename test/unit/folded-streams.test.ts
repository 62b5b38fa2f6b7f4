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
});
