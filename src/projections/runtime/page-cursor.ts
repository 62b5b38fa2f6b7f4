/**
 * Cursor pagination over lists ordered newest first by (time, id): the cursor is the last row's
 * pair, opaque to clients (base64url JSON), and checked when it comes back.
 */
import { invalid } from '../../domain/errors';

export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What encodeCursor writes for years 0000-9999, all of which PostgreSQL's timestamptz holds.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    // The query casts both (::uuid, timestamptz): anything PostgreSQL would refuse must stop here.
    if (typeof at !== 'string' || !ISO_INSTANT.test(at) || typeof id !== 'string' || !UUID.test(id)) throw new Error('bad cursor');
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || date.toISOString() !== at) throw new Error('bad cursor');
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
