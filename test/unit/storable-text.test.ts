/**
 * What the edge refuses as text PostgreSQL cannot store, and what it must let through: surrogate
 * pairs (any emoji) are Unicode; a lone half of one, or U+0000, is not storable.
 */
import { describe, expect, it } from 'vitest';
import { unstorableText, whyUnstorable } from '../../src/adapters/http/storable-text';

describe('storable text', () => {
  it('lets Unicode through, astral characters (surrogate pairs) included', () => {
    for (const text of ['', 'plain', 'Grüße, 你好', '👍🏽 thumbs', '\ud83d\ude00', 'tab\tand\nnewline', '\u0001 is storable'])
      expect(whyUnstorable(text), JSON.stringify(text)).toBeUndefined();
  });

  it('refuses U+0000 and each kind of lone surrogate', () => {
    expect(whyUnstorable('a\u0000b')).toMatch(/U\+0000/);
    for (const text of ['a\ud800b', 'a\udc00b', 'end\ud83d', '\ude00start', '\ude00\ud83d'])
      expect(whyUnstorable(text), JSON.stringify(text)).toMatch(/surrogate/);
  });

  it('names every offending field by its path, in arrays and under keys, and offending keys too', () => {
    const body = { title: 'fine', items: [{ name: 'ok' }, { name: 'x\u0000' }], meta: { ['k\u0000']: 1, deep: { list: ['\ud800'] } } };
    expect(unstorableText(body)).toEqual([
      { path: 'items.1.name', message: expect.stringMatching(/U\+0000/) },
      { path: 'meta.k\\u0000', message: expect.stringMatching(/^the key/) },
      { path: 'meta.deep.list.0', message: expect.stringMatching(/surrogate/) },
    ]);
    expect(unstorableText('\u0000')).toEqual([{ path: '(root)', message: expect.any(String) }]);
    expect(unstorableText({ n: 1, b: true, z: null, list: [] })).toEqual([]);
  });

  it('walks a body nested deeper than the call stack allows, and caps what it reports', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableText(deep)).toHaveLength(1);
    expect(unstorableText(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });
});
