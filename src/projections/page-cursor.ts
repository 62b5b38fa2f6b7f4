/**
 * Cursor pagination over lists ordered newest first by (time, id): the cursor is the last row's
 * pair, opaque to clients (base64url JSON), and checked when it comes back.
 */
import { invalid } from '../domain/errors';

export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return [date, id];
  } catch {
    throw invalid('CursorsComeFromAnEarlierPage', 'the cursor is not one this API gave out');
  }
}

/**
 * A page from rows fetched with `limit + 1`: the extra row only says that there is more, and the
 * cursor of the next page is the last row kept.
 */
export function pageOf<Row, Item>(rows: readonly Row[], limit: number, keyOf: (row: Row) => [Date, string], itemOf: (row: Row) => Item) {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(itemOf), nextCursor: rows.length > limit && last ? encodeCursor(...keyOf(last)) : null };
}
