/**
 * `npm run projections -- status | rebuild <name> | rebuild --all`: operator commands for read
 * models. A rebuild runs while the app runs: live projectors hold off until it is done.
 */
import { rebuildProjection, RebuildProgress } from '../projections/rebuild';
import { runCli, withInfrastructure } from './cli-context';

const usage = 'usage: npm run projections -- status | rebuild <name> | rebuild --all';

function progressLine({ projection, position, head, events }: RebuildProgress, startedAt: number): string {
  const done = head === 0 ? 1 : Math.min(1, position / head);
  const elapsed = (Date.now() - startedAt) / 1000;
  const eta = done > 0 ? (elapsed / done) * (1 - done) : 0;
  const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '.');
  return `${projection} [${bar}] ${(done * 100).toFixed(1)}% ${events} events, position ${position}/${head}, ETA ${eta.toFixed(0)} s`;
}

runCli(() =>
  withInfrastructure(async ({ database, store, projectors }) => {
    const [command, target] = process.argv.slice(2);
    if (command === 'status') {
      const head = await store.headPosition();
      const rows = await database.db.selectFrom('projection_checkpoints').selectAll().orderBy('name').execute();
      for (const row of rows) {
        console.log(`${row.name}: ${row.status}, position ${row.position} of ${head} (lag ${head - Number(row.position)})${row.last_error ? `, last error: ${row.last_error}` : ''}`);
      }
      if (rows.length === 0) console.log(`no projections yet; log head at ${head}`);
      return;
    }
    if (command !== 'rebuild' || !target) throw new Error(usage);
    const chosen = target === '--all' ? projectors : projectors.filter((p) => p.name === target);
    if (chosen.length === 0) throw new Error(`no projection named ${target}; known: ${projectors.map((p) => p.name).join(', ') || 'none'}`);
    for (const projector of chosen) {
      const startedAt = Date.now();
      const result = await rebuildProjection(database.db, store, projector, {
        onProgress: (progress) => process.stdout.isTTY && process.stdout.write(`\r${progressLine(progress, startedAt)}`),
      });
      console.log(`${process.stdout.isTTY ? '\r' : ''}${progressLine(result, startedAt)} — rebuilt in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    }
  }),
);
