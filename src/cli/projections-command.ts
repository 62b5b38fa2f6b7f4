/**
 * `projections status | lag | rebuild <name> | rebuild --all | drop <name> | drop --all --yes`:
 * operator commands for read models. A rebuild runs while the app runs: live projectors hold off
 * until it is done; Ctrl-C stops it between batches and hands the projection back to them. One
 * rebuild per projection at a time: a running one (in any process) is refused; a dead one is taken over.
 */
import type { Infrastructure } from '../adapters/infrastructure';
import type { Projector } from '../projections/runtime/projector';
import { readProjectionStatuses } from '../projections/runtime/projection-status';
import { rebuildProjection, RebuildProgress } from '../projections/runtime/rebuild';
import { parseArguments } from './arguments';
import { withInfrastructure } from './cli-context';
import { UsageError } from './run-cli';
import { dropReadModels } from './drop-read-models';
import { textTable } from './text-table';

const PROJECTIONS_USAGE = `usage: projections status | lag
       projections rebuild <name> | --all
       projections drop <name> | --all --yes   (then: migrate, projections rebuild)`;

const PARKED_SHOWN = 5;

export async function projectionsCommand(args: readonly string[]): Promise<void> {
  const { positionals, values } = parseArguments(args, { all: { type: 'boolean' }, yes: { type: 'boolean' } }, PROJECTIONS_USAGE);
  const [command, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(PROJECTIONS_USAGE);
  // A projection's name or --all, not both, not neither.
  const target = () => {
    if (Boolean(name) === Boolean(values.all)) throw new UsageError(PROJECTIONS_USAGE);
    return name;
  };
  switch (command) {
    case 'status':
    case 'lag':
      if (name || values.all) throw new UsageError(PROJECTIONS_USAGE);
      return withInfrastructure(printStatus);
    case 'rebuild': {
      const chosenName = target();
      return withInfrastructure((infrastructure) => rebuild(infrastructure, chosen(infrastructure.projectors, chosenName)));
    }
    case 'drop': {
      const chosenName = target();
      if (!values.yes)
        throw new UsageError(`this drops the read-model tables of ${chosenName ?? 'every projection'}; add --yes to go ahead\n${PROJECTIONS_USAGE}`);
      return withInfrastructure(async ({ database, projectors }) => {
        const dropped = chosen(projectors, chosenName);
        await dropReadModels(database.db, dropped);
        console.log(`dropped ${dropped.map((p) => p.name).join(', ')}; now run migrate, then projections rebuild`);
      });
    }
    default:
      throw new UsageError(PROJECTIONS_USAGE);
  }
}

function chosen(projectors: readonly Projector[], name: string | undefined): Projector[] {
  if (name === undefined) return [...projectors];
  const found = projectors.filter((p) => p.name === name);
  if (found.length === 0) throw new Error(`no projection named ${name}; known: ${projectors.map((p) => p.name).join(', ') || 'none'}`);
  return found;
}

async function printStatus({ database, store, projectors }: Infrastructure): Promise<void> {
  const { head, projections } = await readProjectionStatuses(
    database.db,
    store,
    projectors.map((p) => p.name),
    { parkedLimit: PARKED_SHOWN },
  );
  console.log(`log head: position ${head}`);
  const rows = projections.map((p) => [
    p.name,
    p.state,
    String(p.checkpoint),
    String(p.lag.positions),
    p.lag.seconds.toFixed(1),
    String(p.parked.count),
    p.lastError ? `${p.lastError.at?.toISOString() ?? ''} ${p.lastError.message}` : '-',
  ]);
  console.log(textTable([['PROJECTION', 'STATE', 'CHECKPOINT', 'LAG (POSITIONS)', 'LAG (S)', 'PARKED', 'LAST ERROR'], ...rows]));
  for (const { name, parked } of projections) {
    for (const event of parked.latest)
      console.log(
        `parked in ${name}: position ${event.position}, ${event.type} of ${event.stream} (event ${event.eventId}) after ${event.attempts} attempts: ${event.error}`,
      );
    if (parked.count > parked.latest.length) console.log(`parked in ${name}: ${parked.count - parked.latest.length} more`);
  }
}

async function rebuild({ database, store }: Infrastructure, projectors: readonly Projector[]): Promise<void> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    for (const projector of projectors) {
      const startedAt = Date.now();
      const result = await rebuildProjection(database.db, store, projector, {
        signal: interrupt.signal,
        onProgress: (progress) => process.stdout.isTTY && process.stdout.write(`\r${progressLine(progress, startedAt)}`),
      });
      console.log(`${process.stdout.isTTY ? '\r' : ''}${progressLine(result, startedAt)} — rebuilt in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function progressLine({ projection, from, position, head, events }: RebuildProgress, startedAt: number): string {
  const done = head <= from ? 1 : Math.min(1, (position - from) / (head - from));
  const elapsed = (Date.now() - startedAt) / 1000;
  const eta = done > 0 ? (elapsed / done) * (1 - done) : 0;
  const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '.');
  return `${projection} [${bar}] ${(done * 100).toFixed(1)}% ${events} events, position ${position}/${head}, ETA ${eta.toFixed(0)} s`;
}
