/**
 * `replay <stream> [--from <revision>]` and `replay --all [--from <position>]`: events as JSON lines
 * on stdout, in revision (or `$all`) order, read page by page so that a long log streams.
 */
import { once } from 'node:events';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { nonNegativeInteger, parseArguments } from './arguments';
import { withInfrastructure } from './cli-context';
import { UsageError } from './run-cli';

const REPLAY_USAGE = `usage: replay <stream> [--from <revision>]
       replay --all [--from <position>]   (--from is inclusive)`;

const PAGE = 500;

export async function replayCommand(args: readonly string[]): Promise<void> {
  const { positionals, values } = parseArguments(args, { all: { type: 'boolean' }, from: { type: 'string' } }, REPLAY_USAGE);
  const [stream, ...extra] = positionals;
  if (extra.length > 0 || Boolean(stream) === Boolean(values.all)) throw new UsageError(REPLAY_USAGE);
  const from = values.from === undefined ? 0 : nonNegativeInteger(values.from, '--from', REPLAY_USAGE);
  await withInfrastructure(({ events }) => (stream ? replayStream(events, stream, from) : replayAll(events, from)));
}

async function replayStream(store: EventStore, stream: string, fromRevision: number): Promise<void> {
  for (let revision = fromRevision; ;) {
    const events = await store.readStream(stream, { fromRevision: revision, maxCount: PAGE });
    if (revision === fromRevision && events.length === 0 && (await store.readStream(stream, { maxCount: 1 })).length === 0) {
      throw new Error(`stream ${stream} has no events`);
    }
    await printAll(events);
    if (events.length < PAGE) return;
    revision = events[events.length - 1]!.revision + 1;
  }
}

async function replayAll(store: EventStore, fromPosition: number): Promise<void> {
  for (let after = Math.max(0, fromPosition - 1); ;) {
    const events = await store.readAll({ after, limit: PAGE });
    await printAll(events);
    if (events.length < PAGE) return;
    after = events[events.length - 1]!.position;
  }
}

async function printAll(events: readonly RecordedEvent[]): Promise<void> {
  for (const event of events) {
    if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await once(process.stdout, 'drain');
  }
}
